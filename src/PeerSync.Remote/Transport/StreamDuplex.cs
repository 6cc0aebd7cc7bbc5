using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;

namespace PeerSync.Remote.Transport;

/// <summary>
/// A socket, possibly under an <see cref="SslStream"/>, as a <see cref="ByteDuplex"/>. Input goes
/// through a <see cref="PipeReader"/> over the stream (64 KiB buffers, so the framing code parses
/// frames straight out of pooled memory); output is written to the stream directly, one write per
/// batch of queued frames.
/// </summary>
internal sealed class StreamDuplex : ByteDuplex
{
    private const int ReadBufferBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private int _disposed;

    public StreamDuplex(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        Input = PipeReader.Create(
            stream,
            new StreamPipeReaderOptions(bufferSize: ReadBufferBytes, minimumReadSize: 4096, leaveOpen: true));
    }

    public override PipeReader Input { get; }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _stream.WriteAsync(data, cancellationToken);

    public override async ValueTask CompleteOutputAsync()
    {
        if (_stream is SslStream ssl)
        {
            await ssl.ShutdownAsync().ConfigureAwait(false);
        }

        _socket.Shutdown(SocketShutdown.Send);
    }

    public override void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Closing the socket first fails any pending read or write on it at once.
        _socket.Dispose();
        _stream.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        Abort();
        return Input.CompleteAsync();
    }
}

using System.IO.Pipelines;

namespace PeerSync.Remote.Transport.InMemory;

/// <summary>
/// One end of an in-memory connection: it reads from one pipe and writes to the other. The pipes'
/// pause threshold plays the part of the kernel's socket buffers, so a reader that stops reading
/// stalls the writer exactly as a TCP peer would.
/// </summary>
internal sealed class PipeDuplex : ByteDuplex
{
    private readonly Pipe _inbound;
    private readonly Pipe _outbound;
    private int _disposed;

    public PipeDuplex(Pipe inbound, Pipe outbound)
    {
        _inbound = inbound;
        _outbound = outbound;
    }

    public override PipeReader Input => _inbound.Reader;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(PipeDuplex));
        }

        FlushResult result;
        try
        {
            result = await _outbound.Writer.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            // The writer was completed by Abort() while this write waited.
            throw new IOException("in-memory connection closed", ex);
        }

        if (result.IsCanceled || result.IsCompleted)
        {
            throw new IOException(result.IsCompleted ? "peer closed the connection" : "in-memory connection closed");
        }
    }

    public override ValueTask CompleteOutputAsync() => _outbound.Writer.CompleteAsync();

    public override void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Like a reset: the peer's reader sees the end of input, a pending write here is released.
        _outbound.Writer.CancelPendingFlush();
        _outbound.Writer.Complete();
        _inbound.Reader.CancelPendingRead();
    }

    public override async ValueTask DisposeAsync()
    {
        Abort();
        await _inbound.Reader.CompleteAsync().ConfigureAwait(false);
    }
}

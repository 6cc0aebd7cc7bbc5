using System.IO.Pipelines;

namespace PeerSync.Remote.Transport;

/// <summary>
/// The byte stream under a <see cref="FramedConnection"/>: a pipe reader for input and plain
/// writes for output. TCP and TLS use <see cref="StreamDuplex"/>; the in-memory transport a pair
/// of pipes. Keeping this seam small lets every transport share one framing, queueing and close
/// implementation.
/// </summary>
internal abstract class ByteDuplex : IAsyncDisposable
{
    public abstract PipeReader Input { get; }

    /// <summary>Hands <paramref name="data"/> to the network; completes when it has been taken.</summary>
    /// <exception cref="IOException">The peer is gone or the network failed.</exception>
    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Signals end of output to the peer (TCP FIN, TLS close_notify) while input stays open.</summary>
    public abstract ValueTask CompleteOutputAsync();

    /// <summary>Closes everything at once, failing pending reads and writes. Idempotent.</summary>
    public abstract void Abort();

    public abstract ValueTask DisposeAsync();
}

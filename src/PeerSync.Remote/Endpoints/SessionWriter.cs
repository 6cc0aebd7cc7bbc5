using PeerSync.Remote.Links.Wire;

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// What builds the batches of one session: the reusable batch buffer, the outbound compression
/// tables and the resend position. Whoever holds the association's writer flag (the writer loop,
/// or a sender flushing inline) uses it; nobody else touches it.
/// </summary>
internal sealed class SessionWriter(int maxBatchBytes, int maxFrameBytes) : IDisposable
{
    public BatchBuilder Builder { get; } = new(maxBatchBytes + (maxBatchBytes / 4));

    public OutboundTables Tables { get; } = new();

    /// <summary>Entries taken from the queue for the batch being built (moved to the unacknowledged ring).</summary>
    public List<OutboundEnvelope> Fresh { get; } = new(256);

    public int MaxFrameBytes { get; } = maxFrameBytes;

    /// <summary>The next unacknowledged sequence number to send again (entries the peer may not have).</summary>
    public ulong ResendNext { get; set; }

    /// <summary>A batch built by an inline flush that the connection could not take (its queue was full): sent first by the loop.</summary>
    public byte[]? Unsent { get; set; }

    public int UnsentCount { get; set; }

    public void Dispose() => Builder.Dispose();
}

using PeerSync.Remote.Links.Wire;

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// What builds the batches of one session: the reusable batch buffer. Whoever holds the
/// association's writer flag (a sender, the connection's writer, or the writer loop) uses it; nobody else
/// touches it.
/// </summary>
internal sealed class SessionWriter(int maxBatchBytes, int maxFrameBytes) : IDisposable
{
    public BatchBuilder Builder { get; } = new(maxBatchBytes + (maxBatchBytes / 4));

    public int MaxFrameBytes { get; } = maxFrameBytes;

    /// <summary>A batch the connection could not take (its queue was full): the writer loop sends it before anything else.</summary>
    public byte[]? Unsent { get; set; }

    public int UnsentCount { get; set; }

    public void Dispose() => Builder.Dispose();
}

namespace PeerSync.Sync.Batching;

/// <summary>Validated settings of <see cref="BatcherMachine"/>.</summary>
/// <param name="WindowMs">`batch-window`: how long the first change of a batch waits for company.</param>
/// <param name="MaxBatch">`max-batch`: a batch is released as soon as it holds this many changes.</param>
/// <param name="SealIntervalMs">`seal-interval`: after this long without a batch the stream is sealed.</param>
public sealed record BatcherConfig(long WindowMs, int MaxBatch, long SealIntervalMs)
{
    public static readonly BatcherConfig Default = new(100, 500, 1000);
}

namespace PeerSync.Sync.AntiEntropy;

/// <summary>Validated settings of <see cref="AntiEntropyMachine"/> (see <see cref="Configuration.SyncOptions"/> for each key).</summary>
public sealed record AntiEntropyConfig(long IntervalMs, int MaxBucketsPerRound, int MaxKeysPerRound, long RoundTimeoutMs)
{
    public static readonly AntiEntropyConfig Default = new(30_000, 64, 500, 30_000);
}

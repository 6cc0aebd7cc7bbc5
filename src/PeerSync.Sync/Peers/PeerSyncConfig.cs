namespace PeerSync.Sync.Peers;

/// <summary>Validated settings of <see cref="PeerSyncMachine"/> (see <see cref="Configuration.SyncOptions"/> for each key).</summary>
public sealed record PeerSyncConfig(
    long SendTimeoutMs,
    long RetryBackoffMinMs,
    long RetryBackoffMaxMs,
    int MaxRetries,
    int MaxInFlightBatches,
    int MaxBatch,
    long ForwardDelayMs,
    long WatermarkReportIntervalMs,
    ulong CatalogFingerprint)
{
    public static readonly PeerSyncConfig Default = new(5000, 200, 30_000, 10, 4, 500, 2000, 500, 0);
}

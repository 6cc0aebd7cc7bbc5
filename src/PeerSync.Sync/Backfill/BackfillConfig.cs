namespace PeerSync.Sync.Backfill;

/// <summary>Validated settings of <see cref="BackfillMachine"/> (see <see cref="Configuration.SyncOptions"/> for each key).</summary>
public sealed record BackfillConfig(
    int PageSize,
    int BufferMaxChanges,
    long PageTimeoutMs,
    int MaxPageRetries,
    long SettleMs,
    long CatchUpTimeoutMs)
{
    public static readonly BackfillConfig Default = new(1000, 10_000, 10_000, 3, 5000, 300_000);
}

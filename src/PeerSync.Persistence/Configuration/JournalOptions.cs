using PeerSync.Persistence.Errors;

namespace PeerSync.Persistence.Configuration;

/// <summary>Group-commit tuning shared by the SQL journals (see docs/design/persistence.md).</summary>
public sealed record JournalOptions
{
    /// <summary>
    /// Most events committed in one transaction (default 1000). Larger batches amortize the commit
    /// (an fsync) over more writes but hold every caller in the batch until the slowest row is
    /// written; 1000 rows commit in a few milliseconds on SQLite and PostgreSQL alike. An atomic
    /// write bigger than this still commits, alone.
    /// </summary>
    public int MaxBatchEvents { get; init; } = 1000;

    /// <summary>
    /// Most atomic writes queued for the writer (default 10 000). When the queue is full callers
    /// wait for room (back-pressure) instead of growing memory without bound; at the default the
    /// queue holds a few seconds of a node's peak write rate.
    /// </summary>
    public int MaxPendingWrites { get; init; } = 10_000;

    /// <summary>Throws <see cref="PersistenceOptionsException"/> naming the key of the first bad value.</summary>
    public void Validate()
    {
        if (MaxBatchEvents is < 1 or > 100_000)
        {
            throw new PersistenceOptionsException(
                PersistenceConfigKeys.MaxBatchEvents, $"must be between 1 and 100000 events, got {MaxBatchEvents}");
        }

        if (MaxPendingWrites is < 1 or > 10_000_000)
        {
            throw new PersistenceOptionsException(
                PersistenceConfigKeys.MaxPendingWrites, $"must be between 1 and 10000000 writes, got {MaxPendingWrites}");
        }
    }
}

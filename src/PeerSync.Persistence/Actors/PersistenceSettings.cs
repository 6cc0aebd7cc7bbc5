namespace PeerSync.Persistence;

/// <summary>Settings of the persistent actors of one actor system (see <see cref="PersistenceExtension"/>).</summary>
public sealed record PersistenceSettings
{
    public static readonly PersistenceSettings Default = new();

    /// <summary>
    /// Stored with every event, so that two writers of one persistence id can be told apart after
    /// the fact. Null (the default): the system name plus a random suffix, new for every start.
    /// </summary>
    public string? WriterId { get; init; }

    /// <summary>
    /// PersistAsync writes one actor may have unconfirmed before its commands wait for the oldest
    /// to complete. Default 1000: enough to fill several group-commit batches, while a journal that
    /// falls behind slows the actor down instead of letting pending events eat the heap.
    /// </summary>
    public int MaxPendingAsyncWrites { get; init; } = 1000;

    /// <summary>
    /// Persistent actors that may recover at the same time; the others wait their turn. Each
    /// recovery holds a database connection (a reader for SQLite) while it replays. Default 50 (as
    /// in Akka): parallel enough to start a node quickly, and well below PostgreSQL's default of
    /// 100 connections even with a thousand actors starting at once.
    /// </summary>
    public int MaxConcurrentRecoveries { get; init; } = 50;

    internal void Validate()
    {
        if (MaxConcurrentRecoveries < 1)
        {
            throw new ArgumentException($"MaxConcurrentRecoveries must be at least 1, was {MaxConcurrentRecoveries}", nameof(MaxConcurrentRecoveries));
        }

        if (WriterId is { } writer && string.IsNullOrWhiteSpace(writer))
        {
            throw new ArgumentException("WriterId must not be blank; leave it null for a generated one", nameof(WriterId));
        }

        if (MaxPendingAsyncWrites < 1)
        {
            throw new ArgumentException($"MaxPendingAsyncWrites must be at least 1, was {MaxPendingAsyncWrites}", nameof(MaxPendingAsyncWrites));
        }
    }
}

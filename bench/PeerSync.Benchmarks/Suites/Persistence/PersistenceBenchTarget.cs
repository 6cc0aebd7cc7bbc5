using PeerSync.Persistence;
using PeerSync.Persistence.Model;

namespace PeerSync.Benchmarks.Suites.Persistence;

/// <summary>
/// One database a persistence benchmark runs on: it opens the stores (journal-level and, later,
/// actor-level cases go through them) and runs the raw floors against the same tables, so a case
/// and its floor differ only by the layers above SQL.
/// </summary>
internal abstract class PersistenceBenchTarget : IAsyncDisposable
{
    /// <summary>`sqlite` or `postgres`: the prefix of the case names.</summary>
    public abstract string Name { get; }

    /// <summary>Opens the stores on this target's database (created on first use).</summary>
    public abstract Task<PersistenceStores> OpenAsync();

    /// <summary>
    /// The insert floor: rows of the journal's shape written straight through the driver, one
    /// transaction per round, each round one row for every id in <paramref name="ids"/> at the
    /// round's sequence nr (from <paramref name="firstSequenceNr"/>), until
    /// <paramref name="duration"/> is over. Returns the rows written.
    /// </summary>
    public abstract Task<long> RawInsertAsync(IReadOnlyList<PersistenceId> ids, long firstSequenceNr, TimeSpan duration);

    /// <summary>The scan floor: reads every column of every row of <paramref name="id"/> in order; returns the rows read.</summary>
    public abstract Task<long> RawScanAsync(PersistenceId id);

    /// <summary>Removes the database.</summary>
    public abstract ValueTask DisposeAsync();
}

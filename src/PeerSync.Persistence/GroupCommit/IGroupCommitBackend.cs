using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.GroupCommit;

/// <summary>What a SQL provider supplies to <see cref="GroupCommitWriter"/>: one transaction per batch.</summary>
internal interface IGroupCommitBackend
{
    /// <summary>
    /// Stores every write of <paramref name="batch"/> in ONE transaction, each all-or-nothing.
    /// Returns one entry per write, in order: null when stored, the rejection (a
    /// <see cref="Errors.SequenceNrConflictException"/>) when only that write could not be. Throws
    /// when the transaction as a whole failed; then no write of the batch may count as stored.
    /// </summary>
    Task<Exception?[]> WriteBatchAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken);
}

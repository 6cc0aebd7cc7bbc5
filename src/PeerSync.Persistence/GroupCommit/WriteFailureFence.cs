using System.Collections.Concurrent;
using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.GroupCommit;

/// <summary>
/// Keeps a failed write from leaving a hole. When a write of a persistence id fails with a storage
/// error its outcome is unknown, and writes of the same id already queued behind it (PersistAsync)
/// could otherwise commit after the gap. So once one fails, later writes of that id are refused
/// until the writer recovers, which every recovery starts with by reading the highest sequence nr.
/// </summary>
internal sealed class WriteFailureFence
{
    private readonly ConcurrentDictionary<PersistenceId, long> _failedAt = new();

    public bool IsEmpty => _failedAt.IsEmpty;

    public void RecordFailure(AtomicWrite write) =>
        _failedAt.AddOrUpdate(write.PersistenceId, write.LowestSequenceNr, (_, old) => Math.Min(old, write.LowestSequenceNr));

    /// <summary>The refusal for <paramref name="write"/>, or null when it may proceed.</summary>
    public Exception? Check(AtomicWrite write)
    {
        if (_failedAt.IsEmpty || !_failedAt.TryGetValue(write.PersistenceId, out var failedSequenceNr))
        {
            return null;
        }

        return new Errors.PersistenceStorageException(
            $"journal refused the write of persistence id '{write.PersistenceId}' sequence nrs {write.LowestSequenceNr}..{write.HighestSequenceNr}: "
            + $"an earlier write of this id (from sequence nr {failedSequenceNr}) failed, so this one could leave a gap; recover the id (read its highest sequence nr) before writing again",
            write.PersistenceId,
            write.LowestSequenceNr);
    }

    /// <summary>Called when the id's writer recovers: it now knows what the journal holds.</summary>
    public void Clear(PersistenceId persistenceId) => _failedAt.TryRemove(persistenceId, out _);
}

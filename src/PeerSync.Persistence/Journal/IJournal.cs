using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.Journal;

/// <summary>
/// An append-only store of events per persistence id (the Akka journal contract, as async calls
/// with no actor underneath). Design: docs/design/persistence.md.
/// </summary>
/// <remarks>
/// Ordering: writes are applied and their tasks completed in the order the calls were made, so a
/// caller that issues writes without awaiting each (PersistAsync) sees them committed, and their
/// tasks completed, in that order; when a later task completes, every earlier one has already
/// completed. Errors: <see cref="Errors.SequenceNrConflictException"/> rejects one write and
/// leaves the rest alone; <see cref="Errors.PersistenceStorageException"/> means the storage
/// failed and the outcome is unknown. After such a failure the journal refuses further writes of
/// that persistence id (they could commit behind a gap) until <see cref="ReadHighestSequenceNrAsync"/>
/// is called for it, which recovery does first.
/// </remarks>
public interface IJournal : IAsyncDisposable
{
    /// <summary>
    /// Stores <paramref name="write"/> all-or-nothing; the task completes once it is durable at the
    /// configured level. <paramref name="cancellationToken"/> only cancels waiting for room in a
    /// full queue: once queued, a write is carried out.
    /// </summary>
    Task WriteAsync(AtomicWrite write, CancellationToken cancellationToken = default);

    /// <summary>
    /// Events of <paramref name="persistenceId"/> with sequence nrs in
    /// [<paramref name="fromSequenceNr"/>, <paramref name="toSequenceNr"/>], ascending, at most
    /// <paramref name="max"/> of them. Includes every write completed before the call.
    /// </summary>
    IAsyncEnumerable<PersistentRepr> ReplayAsync(
        PersistenceId persistenceId, long fromSequenceNr, long toSequenceNr, long max, CancellationToken cancellationToken = default);

    /// <summary>
    /// The highest sequence nr ever stored for <paramref name="persistenceId"/>, 0 when none; it
    /// stays correct after <see cref="DeleteMessagesToAsync"/> removed the events.
    /// <paramref name="fromSequenceNr"/> is a hint that the answer is at least that high.
    /// </summary>
    Task<long> ReadHighestSequenceNrAsync(PersistenceId persistenceId, long fromSequenceNr = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the events of <paramref name="persistenceId"/> up to and including
    /// <paramref name="toSequenceNr"/> (<see cref="long.MaxValue"/>: all), keeping the highest
    /// sequence nr. Not ordered with writes still in flight: await those first.
    /// </summary>
    Task DeleteMessagesToAsync(PersistenceId persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>Every persistence id that has ever stored an event, in ordinal order.</summary>
    Task<IReadOnlyList<PersistenceId>> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The query the Sync layer reads: the events stored now in the range, ascending; finite (it
    /// does not wait for new events).
    /// </summary>
    IAsyncEnumerable<PersistentRepr> EventsByPersistenceIdAsync(
        PersistenceId persistenceId, long fromSequenceNr, long toSequenceNr, CancellationToken cancellationToken = default) =>
        ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, long.MaxValue, cancellationToken);
}

using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.Errors;

/// <summary>
/// An atomic write was rejected because the journal already holds one of its sequence nrs (two
/// writers of one persistence id, or a writer that did not recover first). Nothing of that write
/// was stored, other writes are unaffected, and the journal stays usable.
/// </summary>
public sealed class SequenceNrConflictException : PersistenceException
{
    public SequenceNrConflictException(AtomicWrite write, Exception? inner = null)
        : base(
            $"journal rejected the write of persistence id '{write?.PersistenceId}' sequence nrs {write?.LowestSequenceNr}..{write?.HighestSequenceNr}: "
            + "one of them is already stored (another writer of this id, or a writer that did not recover first); nothing of this write was stored",
            write?.PersistenceId,
            write?.LowestSequenceNr,
            inner)
    {
        ArgumentNullException.ThrowIfNull(write);
        HighestSequenceNr = write.HighestSequenceNr;
    }

    /// <summary>The last sequence nr of the rejected write (<see cref="PersistenceException.SequenceNr"/> is its first).</summary>
    public long HighestSequenceNr { get; }
}

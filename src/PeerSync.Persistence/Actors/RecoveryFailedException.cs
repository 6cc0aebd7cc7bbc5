using PeerSync.Persistence.Errors;
using PeerSync.Persistence.Model;

namespace PeerSync.Persistence;

/// <summary>
/// A persistent actor could not recover: its snapshot or journal could not be read, a stored
/// event or snapshot does not decode (unknown serializer id or manifest, bad bytes), or a recovery
/// handler threw. The message names the persistence id, the sequence nr where it stopped and the
/// reason; the actor is stopped (recovering past a gap would run on a wrong state).
/// </summary>
public sealed class RecoveryFailedException : PersistenceException
{
    public RecoveryFailedException(PersistenceId persistenceId, long sequenceNr, string reason, Exception? inner = null)
        : base($"recovery of persistence id '{persistenceId}' failed at sequence nr {sequenceNr}: {reason}", persistenceId, sequenceNr, inner)
    {
        Reason = reason;
    }

    /// <summary>What went wrong, without the persistence id and sequence nr prefix.</summary>
    public string Reason { get; }
}

using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.Errors;

/// <summary>
/// The storage failed (I/O, connection, disk full, the database refused the statement). For a
/// write the outcome is unknown: the commit may or may not have reached the disk, so the writer
/// must stop and recover from the journal rather than retry blindly. The inner exception is the
/// provider's own error.
/// </summary>
public sealed class PersistenceStorageException : PersistenceException
{
    public PersistenceStorageException(string message, PersistenceId? persistenceId = null, long? sequenceNr = null, Exception? inner = null)
        : base(message, persistenceId, sequenceNr, inner)
    {
    }
}

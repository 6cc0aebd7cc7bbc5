using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.Errors;

/// <summary>
/// Base of every error a journal or snapshot store raises. <see cref="PersistenceId"/> and
/// <see cref="SequenceNr"/> name the stream and event concerned when there is one, and the message
/// repeats them, so a log line alone says what failed.
/// </summary>
public abstract class PersistenceException : Exception
{
    protected PersistenceException(string message, PersistenceId? persistenceId, long? sequenceNr, Exception? inner)
        : base(message, inner)
    {
        PersistenceId = persistenceId;
        SequenceNr = sequenceNr;
    }

    public PersistenceId? PersistenceId { get; }

    public long? SequenceNr { get; }
}

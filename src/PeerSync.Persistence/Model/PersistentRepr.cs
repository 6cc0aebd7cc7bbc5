using PeerSync.Actors.Serialization;
namespace PeerSync.Persistence.Model;

/// <summary>
/// One journaled event: the <see cref="SequenceNr"/>-th event (1-based) of
/// <see cref="PersistenceId"/>, already serialized. <see cref="TimestampMs"/> is the writer's clock
/// (Unix milliseconds, from its <see cref="TimeProvider"/>) and <see cref="WriterId"/> names the
/// incarnation that wrote it, so that two writers of one id can be told apart after the fact.
/// </summary>
public sealed record PersistentRepr
{
    public PersistentRepr(
        PersistenceId persistenceId, long sequenceNr, SerializedPayload payload, long timestampMs, string writerId)
    {
        if (persistenceId.Value is null)
        {
            throw new ArgumentException("the persistence id is the default value; parse one with PersistenceId.Parse", nameof(persistenceId));
        }

        if (sequenceNr < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(sequenceNr), sequenceNr, $"sequence nrs start at 1 (persistence id '{persistenceId}')");
        }

        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(writerId);
        PersistenceId = persistenceId;
        SequenceNr = sequenceNr;
        Payload = payload;
        TimestampMs = timestampMs;
        WriterId = writerId;
    }

    public PersistenceId PersistenceId { get; }

    public long SequenceNr { get; }

    public SerializedPayload Payload { get; }

    public long TimestampMs { get; }

    public string WriterId { get; }
}

namespace PeerSync.Persistence.Model;

/// <summary>
/// Identifies a snapshot: the state of <see cref="PersistenceId"/> after event
/// <see cref="SequenceNr"/>, taken at <see cref="TimestampMs"/> (Unix milliseconds, writer's clock).
/// A store keeps at most one snapshot per (persistence id, sequence nr): saving again replaces it.
/// </summary>
public sealed record SnapshotMetadata
{
    public SnapshotMetadata(PersistenceId persistenceId, long sequenceNr, long timestampMs)
    {
        if (persistenceId.Value is null)
        {
            throw new ArgumentException("the persistence id is the default value; parse one with PersistenceId.Parse", nameof(persistenceId));
        }

        if (sequenceNr < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sequenceNr), sequenceNr, $"a snapshot's sequence nr must not be negative (persistence id '{persistenceId}')");
        }

        PersistenceId = persistenceId;
        SequenceNr = sequenceNr;
        TimestampMs = timestampMs;
    }

    public PersistenceId PersistenceId { get; }

    public long SequenceNr { get; }

    public long TimestampMs { get; }
}

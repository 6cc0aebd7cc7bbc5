using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Model;

namespace PeerSync.Persistence;

public abstract partial class PersistentActor
{
    /// <summary>
    /// Saves <paramref name="snapshot"/> as the state at <see cref="SnapshotSequenceNr"/>; the actor
    /// then receives <see cref="SaveSnapshotSuccess"/> or <see cref="SaveSnapshotFailure"/> (a
    /// failure nobody handles is logged). The next recovery starts from it. Commands do not wait.
    /// </summary>
    protected void SaveSnapshot(object snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        CheckCanPersist(nameof(SaveSnapshot));
        var metadata = new SnapshotMetadata(_id, SnapshotSequenceNr, NowMs());
        SerializedPayload payload;
        try
        {
            payload = Serialization.Serialize(snapshot);
        }
        catch (PayloadSerializationException e)
        {
            Self.Tell(new SaveSnapshotFailure(metadata, e), Self);
            return;
        }

        Reply(() => SnapshotStore.SaveAsync(metadata, payload), () => new SaveSnapshotSuccess(metadata), e => new SaveSnapshotFailure(metadata, e));
    }

    /// <summary>Deletes the snapshot taken at <paramref name="sequenceNr"/>; replies <see cref="DeleteSnapshotSuccess"/> or <see cref="DeleteSnapshotFailure"/>.</summary>
    protected void DeleteSnapshot(long sequenceNr)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceNr);
        CheckCanPersist(nameof(DeleteSnapshot));
        var metadata = new SnapshotMetadata(_id, sequenceNr, 0);
        Reply(() => SnapshotStore.DeleteAsync(metadata), () => new DeleteSnapshotSuccess(metadata), e => new DeleteSnapshotFailure(metadata, e));
    }

    /// <summary>Deletes every snapshot matching <paramref name="criteria"/>; replies <see cref="DeleteSnapshotsSuccess"/> or <see cref="DeleteSnapshotsFailure"/>.</summary>
    protected void DeleteSnapshots(SnapshotSelectionCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        CheckCanPersist(nameof(DeleteSnapshots));
        Reply(() => SnapshotStore.DeleteAsync(_id, criteria), () => new DeleteSnapshotsSuccess(criteria), e => new DeleteSnapshotsFailure(criteria, e));
    }

    /// <summary>
    /// Deletes this actor's events up to <paramref name="toSequenceNr"/> (<see cref="long.MaxValue"/>:
    /// up to <see cref="LastSequenceNr"/>); replies <see cref="DeleteMessagesSuccess"/> or
    /// <see cref="DeleteMessagesFailure"/>. Beyond <see cref="LastSequenceNr"/> is refused: those
    /// events are not confirmed yet. Sequence nrs are never reused after a delete.
    /// </summary>
    protected void DeleteMessages(long toSequenceNr)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(toSequenceNr);
        CheckCanPersist(nameof(DeleteMessages));
        var to = toSequenceNr == long.MaxValue ? LastSequenceNr : toSequenceNr;
        if (to > LastSequenceNr)
        {
            Self.Tell(
                new DeleteMessagesFailure(
                    new InvalidOperationException(
                        $"cannot delete the events of persistence id '{_id}' up to sequence nr {to}: the last confirmed sequence nr is {LastSequenceNr}"),
                    toSequenceNr),
                Self);
            return;
        }

        // Every event up to LastSequenceNr is confirmed, so no write of this range is in flight
        // (the journal does not order deletes with writes still in flight).
        Reply(() => Journal.DeleteMessagesToAsync(_id, to), () => new DeleteMessagesSuccess(to), e => new DeleteMessagesFailure(e, to));
    }

    /// <summary>Starts a store call and tells this actor the reply built from its outcome.</summary>
    private void Reply(Func<Task> call, Func<object> success, Func<Exception, object> failure)
    {
        Task task;
        try
        {
            task = call();
        }
        catch (Exception e)
        {
            task = Task.FromException(e);
        }

        _ = task.PipeTo(Self, Self, success, failure);
    }
}

using PeerSync.Persistence.Model;

namespace PeerSync.Persistence;

/// <summary>
/// Offered to the recovery handlers (<c>Recover&lt;SnapshotOffer&gt;</c>) before any event when
/// recovery starts from a snapshot: <see cref="Snapshot"/> is the decoded state as of
/// <see cref="SnapshotMetadata.SequenceNr"/>; the events after it are replayed next.
/// </summary>
public sealed record SnapshotOffer(SnapshotMetadata Metadata, object Snapshot);

/// <summary>
/// The first message the command handlers see: recovery is done, <c>LastSequenceNr</c> is the
/// highest sequence nr stored, and the actor may persist. Not handling it is fine.
/// </summary>
public sealed class RecoveryCompleted
{
    public static readonly RecoveryCompleted Instance = new();

    private RecoveryCompleted()
    {
    }

    public override string ToString() => nameof(RecoveryCompleted);
}

/// <summary>Reply to <c>SaveSnapshot</c>: the snapshot is stored.</summary>
public sealed record SaveSnapshotSuccess(SnapshotMetadata Metadata);

/// <summary>Reply to <c>SaveSnapshot</c>: the snapshot could not be serialized or stored; nothing changed.</summary>
public sealed record SaveSnapshotFailure(SnapshotMetadata Metadata, Exception Cause);

/// <summary>Reply to <c>DeleteSnapshot</c>: the snapshot at the metadata's sequence nr is gone (or was never there).</summary>
public sealed record DeleteSnapshotSuccess(SnapshotMetadata Metadata);

/// <summary>Reply to <c>DeleteSnapshot</c>: the store failed.</summary>
public sealed record DeleteSnapshotFailure(SnapshotMetadata Metadata, Exception Cause);

/// <summary>Reply to <c>DeleteSnapshots</c>: every snapshot matching the criteria is gone.</summary>
public sealed record DeleteSnapshotsSuccess(SnapshotSelectionCriteria Criteria);

/// <summary>Reply to <c>DeleteSnapshots</c>: the store failed.</summary>
public sealed record DeleteSnapshotsFailure(SnapshotSelectionCriteria Criteria, Exception Cause);

/// <summary>Reply to <c>DeleteMessages</c>: the events up to <see cref="ToSequenceNr"/> are deleted.</summary>
public sealed record DeleteMessagesSuccess(long ToSequenceNr);

/// <summary>Reply to <c>DeleteMessages</c>: refused (beyond the last sequence nr) or the journal failed.</summary>
public sealed record DeleteMessagesFailure(Exception Cause, long ToSequenceNr);

/// <summary>
/// Sent by the actor to itself when journal writes it does not wait for (PersistAsync) complete, so
/// their handlers run on its own turn. Never reaches the command handlers.
/// </summary>
internal sealed class WritesCompleted
{
    public static readonly WritesCompleted Instance = new();

    private WritesCompleted()
    {
    }
}

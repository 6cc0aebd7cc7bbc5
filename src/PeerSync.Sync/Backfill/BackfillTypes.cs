using PeerSync.Remote.Addressing;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Sync.Backfill;

/// <summary>The node's readiness states; the node reports not-ready until <see cref="Ready"/>.</summary>
public enum BackfillPhase
{
    /// <summary>No data yet; waiting to learn whether peers have some.</summary>
    Uninitialized = 0,

    /// <summary>Taking a paged snapshot from a source peer.</summary>
    Backfilling = 1,

    /// <summary>Incremental catch-up until this node has what its reachable peers had when it started.</summary>
    CatchingUp = 2,

    Ready = 3,
}

/// <summary>An input to <see cref="BackfillMachine"/>.</summary>
public abstract record BackfillInput;

/// <summary>A sync session with the peer is up.</summary>
public sealed record BackfillPeerAvailable(NodeId Peer) : BackfillInput;

public sealed record BackfillPeerUnavailable(NodeId Peer) : BackfillInput;

public sealed record BackfillLeaderChanged(NodeId? Leader) : BackfillInput;

/// <summary>A peer's watermarks and floors, from its hello or a periodic report.</summary>
public sealed record PeerWatermarksObserved(NodeId Peer, Watermarks Applied, Watermarks Floors, bool Backfilling) : BackfillInput;

/// <summary>This node's applied watermarks changed.</summary>
public sealed record LocalAppliedChanged(Watermarks Applied) : BackfillInput;

public sealed record PageArrived(NodeId Source, long RequestId, SnapshotPage Page) : BackfillInput;

/// <summary>The host applied the page (and its checkpoint) in one transaction.</summary>
public sealed record PageApplied(long RequestId) : BackfillInput;

/// <summary>The host adopted the coverage (<see cref="IRecordStore.CompleteBackfillAsync"/>).</summary>
public sealed record SnapshotCompleted(Watermarks Applied) : BackfillInput;

/// <summary>Every inbound change batch passes here: applied now, or buffered while backfilling.</summary>
public sealed record LiveBatchArrived(NodeId Peer, long BatchId, ChangeRange Range) : BackfillInput;

public sealed record BackfillTick : BackfillInput;

/// <summary>An inbound batch held while backfilling.</summary>
public sealed record BufferedBatch(NodeId Peer, long BatchId, ChangeRange Range);

/// <summary>Something the host must do for the backfill machine.</summary>
public abstract record BackfillCommand;

/// <summary>Ask <paramref name="Source"/> for the snapshot page after <paramref name="After"/>.</summary>
public sealed record RequestPage(NodeId Source, long RequestId, RecordCursor? After, int Limit) : BackfillCommand;

/// <summary>Apply the page with the checkpoint (<see cref="IRecordStore.ApplySnapshotPageAsync"/>), then step <see cref="PageApplied"/>.</summary>
public sealed record ApplyPage(long RequestId, SnapshotPage Page, BackfillCheckpoint Checkpoint) : BackfillCommand;

/// <summary>Adopt the coverage (<see cref="IRecordStore.CompleteBackfillAsync"/>), then step <see cref="SnapshotCompleted"/>.</summary>
public sealed record CompleteSnapshot(Watermarks Coverage) : BackfillCommand;

/// <summary>Apply this inbound batch now and acknowledge it as usual.</summary>
public sealed record ApplyNow(NodeId Peer, long BatchId, ChangeRange Range) : BackfillCommand;

/// <summary>Acknowledge this inbound batch as <c>Buffered</c> (it is held, or dropped on overflow and resent later).</summary>
public sealed record AcknowledgeBuffered(NodeId Peer, long BatchId) : BackfillCommand;

/// <summary>Apply the batches held during the snapshot, in order (no acknowledgements: senders resync).</summary>
public sealed record ApplyBuffered(IReadOnlyList<BufferedBatch> Batches) : BackfillCommand;

/// <summary>Exchange watermarks again with every peer, telling them whether this node is backfilling.</summary>
public sealed record ResyncPeers(bool Backfilling) : BackfillCommand;

/// <summary>Drop the stored checkpoint (the snapshot restarts from scratch).</summary>
public sealed record ClearCheckpoint : BackfillCommand;

/// <summary>Something for the host to log or count.</summary>
public abstract record BackfillNotice;

public sealed record BackfillPhaseChanged(BackfillPhase From, BackfillPhase To, string Reason) : BackfillNotice;

public sealed record BackfillSourceChosen(NodeId Source, string Reason) : BackfillNotice;

public sealed record BackfillPageRetried(NodeId Source, int Attempt) : BackfillNotice;

/// <summary>The live-change buffer overflowed: its changes were dropped (and will be resent by the catch-up).</summary>
public sealed record BackfillBufferOverflowed(int DroppedChanges) : BackfillNotice;

public sealed record CatchUpTimedOut(IReadOnlyList<NodeId> PeersBehind) : BackfillNotice;

public sealed record BackfillReady(IReadOnlyList<BackfillCommand> Commands, IReadOnlyList<BackfillNotice> Notices)
{
    public static readonly BackfillReady Empty = new([], []);
}

using PeerSync.Sync.Batching;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Peers;

/// <summary>An input to <see cref="PeerSyncMachine"/>.</summary>
public abstract record PeerSyncInput;

/// <summary>A session with the peer is up (MemberUp / Reachable and a link). Replaces any older session.</summary>
public sealed record PeerConnected(SyncSessionId Session, LocalSyncState Local) : PeerSyncInput;

/// <summary>The session ended (link down, unreachable). The machine keeps queueing (implicitly).</summary>
public sealed record PeerDisconnected : PeerSyncInput;

public sealed record HelloReceived(SyncSessionId Session, SyncHello Hello) : PeerSyncInput;

/// <summary>The batcher released a batch of this node's own changes.</summary>
public sealed record LocalBatchReady(OutboundBatch Batch) : PeerSyncInput;

/// <summary>This node's applied watermarks or floors changed (remote apply, backfill, pruning).</summary>
public sealed record LocalProgressChanged(Watermarks Applied, Watermarks Floors) : PeerSyncInput;

/// <summary>
/// The host read the range asked for by <see cref="PrepareBatch"/>; null when the store could no
/// longer serve it (below its floor).
/// </summary>
public sealed record BatchPrepared(long BatchId, ChangeRange? Range) : PeerSyncInput;

public sealed record AckReceived(SyncSessionId Session, BatchAck Ack) : PeerSyncInput;

/// <summary>The peer reported its watermarks (periodic report).</summary>
public sealed record WatermarksReported(SyncSessionId Session, Watermarks Applied, Watermarks Floors) : PeerSyncInput;

/// <summary>This node handled a batch from the peer; the machine acknowledges it.</summary>
public sealed record InboundBatchHandled(SyncSessionId Session, long BatchId, AckStatus Status, Watermarks LocalApplied) : PeerSyncInput;

/// <summary>This node wants a fresh watermark exchange (after a backfill, or when it starts one).</summary>
public sealed record ResyncRequested(LocalSyncState Local) : PeerSyncInput;

public sealed record PeerTick : PeerSyncInput;

/// <summary>MemberRemoved: the peer is gone for good; its queue is dropped and pruning stops waiting for it.</summary>
public sealed record RetireRequested : PeerSyncInput;

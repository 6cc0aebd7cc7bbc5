using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Peers;

/// <summary>A message the host sends to the peer, or a store read it performs for the machine.</summary>
public abstract record PeerSyncMessage(SyncSessionId Session);

public sealed record SendHello(SyncSessionId Session, SyncHello Hello) : PeerSyncMessage(Session);

/// <summary>Send this batch to the peer.</summary>
public sealed record SendBatch(SyncSessionId Session, long BatchId, ChangeRange Range) : PeerSyncMessage(Session);

/// <summary>
/// Read (from, through] of the origin's stream, at most <paramref name="MaxChanges"/> changes
/// (<see cref="Storage.IRecordStore.ReadStreamAsync"/>), and step <see cref="BatchPrepared"/> with it.
/// </summary>
public sealed record PrepareBatch(SyncSessionId Session, long BatchId, OriginId Origin, Hlc FromExclusive, Hlc ThroughInclusive, int MaxChanges) : PeerSyncMessage(Session);

public sealed record SendAck(SyncSessionId Session, BatchAck Ack) : PeerSyncMessage(Session);

public sealed record SendWatermarks(SyncSessionId Session, Watermarks Applied, Watermarks Floors) : PeerSyncMessage(Session);

/// <summary>Something for the host to log or count. Machines do not log.</summary>
public abstract record PeerSyncNotice;

public sealed record PeerSessionStarted(SyncSessionId Session) : PeerSyncNotice;

public sealed record PeerSessionEnded(SyncSessionId Session) : PeerSyncNotice;

/// <summary>The peer wiped its data but kept its id: a full exchange follows.</summary>
public sealed record PeerDataEpochChanged(DataEpoch? Previous, DataEpoch Current) : PeerSyncNotice;

public sealed record PeerWatermarksRegressed(Watermarks Known, Watermarks Reported) : PeerSyncNotice;

/// <summary>The peer lacks part of an origin's stream that this node has pruned: it needs a snapshot.</summary>
public sealed record PeerBehindLog(OriginId Origin, Hlc PeerPosition, Hlc Floor) : PeerSyncNotice;

/// <summary>The peer's collection configuration differs: nodes must agree on collection kinds.</summary>
public sealed record CollectionCatalogMismatch(ulong Local, ulong Remote) : PeerSyncNotice;

/// <summary>The peer has more of this node's own stream than this node: its data was restored from an older copy.</summary>
public sealed record PeerAheadOfOwnStream(Hlc PeerPosition, Hlc LocalPosition) : PeerSyncNotice;

public sealed record ForwardingStarted(OriginId Origin) : PeerSyncNotice;

public sealed record SendFailed(string Reason, int ConsecutiveFailures, long RetryAtMs) : PeerSyncNotice;

public sealed record PeerRejectedClockSkew(OriginId Origin) : PeerSyncNotice;

/// <summary>Too many consecutive failures: sending stops until the session is re-established.</summary>
public sealed record PeerStalled(int ConsecutiveFailures) : PeerSyncNotice;

public sealed record PeerRetiredNotice : PeerSyncNotice;

/// <summary>What one <see cref="PeerSyncMachine.TakeReady"/> returns: persist events, then send messages, then log notices.</summary>
public sealed record PeerSyncReady(IReadOnlyList<PeerSyncEvent> Events, IReadOnlyList<PeerSyncMessage> Messages, IReadOnlyList<PeerSyncNotice> Notices)
{
    public static readonly PeerSyncReady Empty = new([], [], []);

    public bool IsEmpty => Events.Count == 0 && Messages.Count == 0 && Notices.Count == 0;
}

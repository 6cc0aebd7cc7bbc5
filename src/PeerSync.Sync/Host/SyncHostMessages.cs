using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using V1 = PeerSync.Sync.Protocol.V1;

namespace PeerSync.Sync.Host;

// Messages between the sync host's actors, inside one node (never on the wire).

/// <summary>Local writes are queued (<see cref="SyncHost"/>): the coordinator commits all that wait, in one transaction.</summary>
internal sealed record WritesPending
{
    public static readonly WritesPending Instance = new();
}

/// <summary>The coordinator's single wake timer (batch window, backfill and anti-entropy deadlines).</summary>
internal sealed record CoordinatorWake
{
    public static readonly CoordinatorWake Instance = new();
}

internal sealed record PruneTick
{
    public static readonly PruneTick Instance = new();
}

/// <summary>To the coordinator: a snapshot page a peer asked for in <paramref name="Session"/> has been read (beside the coordinator's turn); send it.</summary>
internal sealed record SnapshotPageRead(NodeId Peer, SyncSessionId Session, long RequestId, SnapshotPage Page);

/// <summary>To the coordinator: the answer to an anti-entropy request of a peer in <paramref name="Session"/>, read beside its turn; send it.</summary>
internal sealed record AnswerRead(NodeId Peer, SyncSessionId Session, V1.SyncEnvelope Answer);

/// <summary>To the coordinator: this node's side of an anti-entropy comparison, read beside its turn by <paramref name="Instance"/> of the actor; step the machine with <paramref name="Input"/>.</summary>
internal sealed record AntiEntropyRead(object Instance, AntiEntropyInput Input);

/// <summary>To the coordinator: the stats counts read beside its turn by <paramref name="Instance"/> of the actor.</summary>
internal sealed record StatsRead(object Instance, StoreStats Stats);

/// <summary>Live records, log entries, and per peer the changes it has yet to acknowledge.</summary>
internal sealed record StoreStats(long Records, long LogEntries, IReadOnlyList<(NodeId Peer, long Pending)> PendingChanges);

/// <summary>What a peer's outbound queue is made of: per origin it lags on, the last change it acknowledged.</summary>
internal sealed record PeerQueue(NodeId Peer, IReadOnlyList<(OriginId Origin, Hlc Acknowledged)> Behind);

/// <summary>
/// To the coordinator: a store read beside its turn failed (<paramref name="What"/>: what it was
/// reading), started by <paramref name="Instance"/> of the actor; it restarts, unless a restart came since.
/// </summary>
internal sealed record StoreReadFailed(string What, Exception Cause, object Instance);

/// <summary>To the peers parent: create the peer's actor if needed, then hand it <paramref name="Message"/>.</summary>
internal sealed record ForPeer(NodeId Peer, object Message);

/// <summary>To a peer actor: step its machine with <paramref name="Input"/>.</summary>
internal sealed record StepPeer(PeerSyncInput Input);

/// <summary>To a peer actor: a session starts towards <paramref name="Run"/> through <paramref name="Remote"/> (its /system/sync).</summary>
internal sealed record StartPeerSession(UniqueNode Run, IActorRef Remote, PeerConnected Connected);

/// <summary>To a peer actor: the member joined again after it was retired; start over with an empty journal.</summary>
internal sealed record RevivePeer
{
    public static readonly RevivePeer Instance = new();
}

/// <summary>From a peer actor: its machine's state after a step (for pruning, status and metrics).</summary>
internal sealed record PeerReport(NodeId Peer, PeerSyncStatus Status, DataEpoch? Epoch, bool Retired, long RetiredAtMs);

/// <summary>From a peer actor: a notice the coordinator acts on (stall: reopen the link; peer ahead of our own stream: move the clock).</summary>
internal sealed record PeerNoticeForHost(NodeId Peer, PeerSyncNotice Notice);

/// <summary>Graceful stop: stop taking writes, flush the batcher, wait (bounded) for acknowledgements, then reply <see cref="Flushed"/>.</summary>
internal sealed record FlushRequest(TimeSpan Timeout);

internal sealed record Flushed(bool AllAcknowledged);

internal sealed record FlushDeadline
{
    public static readonly FlushDeadline Instance = new();
}

using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Storage;

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

/// <summary>To the coordinator: a snapshot page a peer asked for has been read (off the coordinator's turn); send it.</summary>
internal sealed record SnapshotPageRead(NodeId Peer, long RequestId, SnapshotPage Page);

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

using PeerSync.Remote.Addressing;
using PeerSync.Sync.Configuration;
using PeerSync.Sync.Diagnostics;
using PeerSync.Sync.Storage;

namespace PeerSync.Sync.Host;

/// <summary>What <see cref="SyncHost.Start"/> needs besides the actor system (which must have remoting, the cluster part and persistence).</summary>
public sealed record SyncHostSettings
{
    public required SyncConfig Config { get; init; }

    /// <summary>The node's record store, not yet opened; the host opens it and disposes it when it stops.</summary>
    public required IRecordStore Store { get; init; }

    /// <summary>The data epoch a new store adopts (the node's data-epoch file); an existing store keeps its own.</summary>
    public required DataEpoch DataEpoch { get; init; }

    /// <summary>
    /// The wall clock the HLC reads (physical milliseconds). Null: the actor system's TimeProvider.
    /// Tests hand in a skewed one to play a node whose clock is off.
    /// </summary>
    public TimeProvider? PhysicalClock { get; init; }

    public SyncMetrics? Metrics { get; init; }

    /// <summary>How often the coordinator computes and applies a prune plan. Default 1 s.</summary>
    public TimeSpan PruneInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A graceful stop waits at most this long for peers to acknowledge what this node wrote. Default 5 s.</summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long after a member's removal its peer machine is retired (its queue dropped, pruning no
    /// longer waiting for it). A restarted node is removed as its old incarnation just before it
    /// joins again; within this time it finds its queue and catches up incrementally. Default 30 s.
    /// </summary>
    public TimeSpan RetireAfterRemoval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether anti-entropy rounds run (on reconnect and every `anti-entropy.interval`). Default true.</summary>
    public bool AntiEntropy { get; init; } = true;

    /// <summary>Writes that may wait for the coordinator's next commit; beyond it a write is refused at once (back-pressure). Default 10 000.</summary>
    public int MaxPendingWrites { get; init; } = 10_000;

    /// <summary>Bound on messages kept from a peer whose session has not started here yet (gossip lag at join). Default 1000.</summary>
    public int EarlyMessageLimit { get; init; } = 1000;
}

using PeerSync.Sync.Diagnostics;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Storage.InMemory;

namespace PeerSync.Hosting.Sync;

/// <summary>What a <see cref="SyncComponent"/> takes besides the node's options. Every default suits production.</summary>
public sealed record SyncComponentSettings
{
    /// <summary>The wall clock of the HLC; null: the node's TimeProvider. Tests skew it to play a node whose clock is off.</summary>
    public TimeProvider? PhysicalClock { get; init; }

    /// <summary>Where the sync instruments are recorded; null: a meter of the component's own.</summary>
    public SyncMetrics? Metrics { get; init; }

    /// <summary>A graceful stop waits at most this long for peers to acknowledge this node's changes. Default 5 s.</summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether anti-entropy runs (on reconnect and every `sync.anti-entropy.interval`). Default true.</summary>
    public bool AntiEntropy { get; init; } = true;

    /// <summary>How long after a member's removal pruning stops waiting for it (a restarting node rejoins within it). Default 30 s.</summary>
    public TimeSpan RetireAfterRemoval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Writes that may wait for the next group commit; beyond it writes are refused (503) until the queue drains. Default 10 000.</summary>
    public int MaxPendingWrites { get; init; } = 10_000;

    /// <summary>Wraps the record store the component opens (tests inject delays or faults); null: used as opened.</summary>
    public Func<IRecordStore, IRecordStore>? WrapStore { get; init; }

    /// <summary>With `persistence.provider = inmemory`: the storage to use (a test keeps it across restarts); null: a new one per start.</summary>
    public InMemoryStorage? InMemoryStorage { get; init; }
}

using PeerSync.Sync.Diagnostics;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Storage.InMemory;

namespace PeerSync.Hosting.Sync;

/// <summary>What a <see cref="SyncComponent"/> takes besides the node's options (`peersync.sync.*`). Every default suits production.</summary>
public sealed record SyncComponentSettings
{
    /// <summary>The wall clock of the HLC; null: the node's TimeProvider. Tests skew it to play a node whose clock is off.</summary>
    public TimeProvider? PhysicalClock { get; init; }

    /// <summary>Where the sync instruments are recorded; null: a meter of the component's own.</summary>
    public SyncMetrics? Metrics { get; init; }

    /// <summary>Whether anti-entropy runs (on reconnect and every `sync.anti-entropy.interval`). Default true.</summary>
    public bool AntiEntropy { get; init; } = true;

    /// <summary>Wraps the record store the component opens (tests inject delays or faults); null: used as opened.</summary>
    public Func<IRecordStore, IRecordStore>? WrapStore { get; init; }

    /// <summary>With `persistence.provider = inmemory`: the storage to use (a test keeps it across restarts); null: a new one per start.</summary>
    public InMemoryStorage? InMemoryStorage { get; init; }
}

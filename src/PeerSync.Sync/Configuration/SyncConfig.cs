using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Batching;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Configuration;

/// <summary>`peersync.sync.mode`.</summary>
public enum SyncMode
{
    Leader = 0,
    Leaderless = 1,
}

/// <summary>The validated, immutable sync settings, split into what each machine receives.</summary>
public sealed record SyncConfig(
    SyncMode Mode,
    CollectionCatalog Catalog,
    HlcConfig Clock,
    BatcherConfig Batcher,
    PeerSyncConfig Peer,
    BackfillConfig Backfill,
    AntiEntropyConfig AntiEntropy,
    PruningConfig Pruning);

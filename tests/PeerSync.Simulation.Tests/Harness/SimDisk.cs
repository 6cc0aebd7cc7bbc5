using PeerSync.Remote.Addressing;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Storage.InMemory;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>
/// What survives a crash of one simulated process: what the real host keeps in its data dir. The
/// record store (records, log, watermarks, floors, the last issued HLC, the backfill checkpoint),
/// the peer machines' journals, the data epoch, and the count of incarnations started (a restarted
/// process always joins as a new incarnation).
/// </summary>
internal sealed class SimDisk(ulong epochSeed)
{
    public InMemoryStorage Storage { get; } = new();

    public Dictionary<NodeId, List<PeerSyncEvent>> Journals { get; } = [];

    public ulong EpochSeed { get; } = epochSeed;

    public ulong Incarnations { get; set; }
}

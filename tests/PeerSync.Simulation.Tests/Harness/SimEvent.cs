using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Host;
using PeerSync.Sync.Peers;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>Something scheduled at a global virtual time. Events of a process carry its boot, so a restart voids them.</summary>
internal abstract record SimEvent
{
    public sealed record ClusterDelivery(SimProcess To, UniqueNode? ToNode, ClusterEnvelope Envelope) : SimEvent;

    public sealed record SyncDelivery(NodeId From, SimProcess To, SyncSessionId Session, SyncInbound Message) : SimEvent;

    public sealed record ClusterWake(SimProcess Node, long Generation) : SimEvent;

    public sealed record SyncTick(SimProcess Node, long Boot) : SimEvent;

    public sealed record SingletonStopped(SimProcess Node, long Boot) : SimEvent;

    public sealed record Scripted(string Name, Action Run) : SimEvent;
}

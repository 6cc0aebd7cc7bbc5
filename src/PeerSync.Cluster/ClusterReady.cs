using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster;

/// <summary>A message to send: to a known member (<see cref="ToNode"/> set) or to a bare address (seed probing).</summary>
public sealed record OutboundMessage(EndpointAddress To, UniqueNode? ToNode, ClusterMessage Message);

/// <summary>Start or stop the cluster singleton on this node.</summary>
public abstract record SingletonCommand(Epoch Epoch)
{
    /// <summary>This node leads <see cref="SingletonCommand.Epoch"/> with a majority lease: start the singleton.</summary>
    public sealed record Run(Epoch Epoch) : SingletonCommand(Epoch);

    /// <summary>Stop the singleton now, then feed <see cref="ClusterInput.SingletonStopped"/>.</summary>
    public sealed record Stop(Epoch Epoch, string Reason) : SingletonCommand(Epoch);
}

/// <summary>The cluster part of this node must stop (downed, removed, left): the reason is for the log and the operator.</summary>
public sealed record StopClusterPart(string Reason);

/// <summary>
/// Everything one or more steps produced, in the order the host handles it: singleton commands
/// first (a stop must not wait behind sends), then messages, then events to publish, then notices.
/// </summary>
public sealed record ClusterReady(
    long Sequence,
    IReadOnlyList<SingletonCommand> Singleton,
    IReadOnlyList<OutboundMessage> Messages,
    IReadOnlyList<ClusterEvent> Events,
    IReadOnlyList<ClusterNotice> Notices,
    StopClusterPart? Stop);

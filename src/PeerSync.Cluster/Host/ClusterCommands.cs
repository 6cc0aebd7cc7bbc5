using System.Collections.Immutable;
using PeerSync.Actors;
using PeerSync.Cluster.Election;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Host;

/// <summary>Start joining through <see cref="Seeds"/> (null: the configured seed nodes).</summary>
internal sealed record JoinCluster(ImmutableArray<EndpointAddress>? Seeds);

/// <summary>Graceful leave of <see cref="Node"/> (null: this node).</summary>
internal sealed record LeaveCluster(NodeId? Node);

/// <summary>Operator's down of the current incarnation of <see cref="Node"/>.</summary>
internal sealed record DownMember(NodeId Node);

/// <summary>Sends <see cref="Subscriber"/> the current state (as <see cref="Mode"/> says), then every event of the given types.</summary>
internal sealed record SubscribeClusterEvents(IActorRef Subscriber, InitialStateMode Mode, ImmutableArray<Type> Types);

internal sealed record UnsubscribeClusterEvents(IActorRef Subscriber);

/// <summary>Asks the cluster actor for its <see cref="Membership.ClusterStateSnapshot"/>.</summary>
internal sealed record GetClusterState
{
    public static readonly GetClusterState Instance = new();
}

/// <summary>The cluster actor's timer: time to step the machine.</summary>
internal sealed record ClusterWake
{
    public static readonly ClusterWake Instance = new();
}

/// <summary>Tells the singleton manager to start every registered singleton for <see cref="Epoch"/>.</summary>
internal sealed record RunSingletons(Epoch Epoch);

/// <summary>Tells the singleton manager to stop every singleton; it answers <see cref="SingletonsStopped"/> once all have stopped.</summary>
internal sealed record StopSingletons(Epoch Epoch, string Reason);

/// <summary>The manager's answer to <see cref="StopSingletons"/>: nothing runs any more.</summary>
internal sealed record SingletonsStopped(Epoch Epoch);

/// <summary>Adds a singleton to the manager (it starts at once when this node is the acting leader).</summary>
internal sealed record RegisterSingleton(string Name, Props Props);

using PeerSync.Cluster.Election;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Membership;

/// <summary>
/// A member event as published to subscribers. A new subscriber first gets a
/// <see cref="ClusterStateSnapshot"/> and then every event after it.
/// </summary>
public abstract record ClusterEvent
{
    public sealed record MemberJoined(Member Member) : ClusterEvent;

    public sealed record MemberUp(Member Member) : ClusterEvent;

    public sealed record MemberLeft(Member Member) : ClusterEvent;

    public sealed record MemberExited(Member Member) : ClusterEvent;

    public sealed record MemberDowned(Member Member) : ClusterEvent;

    public sealed record MemberRemoved(Member Member, MemberStatus PreviousStatus) : ClusterEvent;

    public sealed record UnreachableMember(Member Member) : ClusterEvent;

    public sealed record ReachableMember(Member Member) : ClusterEvent;

    /// <summary>The leader this node believes in changed (null: none), with the leader's epoch.</summary>
    public sealed record LeaderChanged(UniqueNode? Leader, Epoch Epoch) : ClusterEvent;
}

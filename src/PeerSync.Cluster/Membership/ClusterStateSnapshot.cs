using System.Collections.Immutable;
using PeerSync.Cluster.Election;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Membership;

/// <summary>
/// The current cluster state as this node sees it: what a new subscriber receives first, before
/// the events that follow it (subscribe-with-initial-state), and what `GET /v1/cluster` shows.
/// </summary>
public sealed record ClusterStateSnapshot(
    UniqueNode Self,
    ImmutableArray<Member> Members,
    ImmutableSortedSet<UniqueNode> Unreachable,
    UniqueNode? Leader,
    Epoch LeaderEpoch)
{
    public static ClusterStateSnapshot Empty(UniqueNode self) =>
        new(self, [], UniqueNodeOrder.EmptySet, null, Epoch.None);

    public Member? MemberOf(UniqueNode node) => Members.FirstOrDefault(m => m.Node == node);

    /// <summary>
    /// The events that turn <paramref name="before"/> into <paramref name="after"/>: per member the
    /// status events it went through (a member first seen as Up yields MemberUp), reachability
    /// changes, removals, then a leader change.
    /// </summary>
    public static IReadOnlyList<ClusterEvent> Diff(ClusterStateSnapshot before, ClusterStateSnapshot after)
    {
        var events = new List<ClusterEvent>();
        foreach (var member in after.Members)
        {
            var old = before.MemberOf(member.Node);
            if (old is null || old.Status != member.Status)
            {
                events.Add(member.Status switch
                {
                    MemberStatus.Joining => new ClusterEvent.MemberJoined(member),
                    MemberStatus.Up => new ClusterEvent.MemberUp(member),
                    MemberStatus.Leaving => new ClusterEvent.MemberLeft(member),
                    MemberStatus.Exiting => new ClusterEvent.MemberExited(member),
                    MemberStatus.Down => new ClusterEvent.MemberDowned(member),
                    _ => new ClusterEvent.MemberRemoved(member, old?.Status ?? MemberStatus.Removed),
                });
            }

            var wasUnreachable = old is not null && before.Unreachable.Contains(member.Node);
            var isUnreachable = after.Unreachable.Contains(member.Node);
            if (isUnreachable && !wasUnreachable)
            {
                events.Add(new ClusterEvent.UnreachableMember(member));
            }
            else if (!isUnreachable && wasUnreachable)
            {
                events.Add(new ClusterEvent.ReachableMember(member));
            }
        }

        foreach (var old in before.Members)
        {
            if (after.MemberOf(old.Node) is null)
            {
                events.Add(new ClusterEvent.MemberRemoved(old.WithStatus(MemberStatus.Removed), old.Status));
            }
        }

        if (before.Leader != after.Leader || before.LeaderEpoch != after.LeaderEpoch)
        {
            events.Add(new ClusterEvent.LeaderChanged(after.Leader, after.LeaderEpoch));
        }

        return events;
    }
}

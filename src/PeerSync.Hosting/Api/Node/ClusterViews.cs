using System.Globalization;
using PeerSync.Cluster.Membership;

namespace PeerSync.Hosting.Api.Node;

/// <summary>The cluster's own types as the JSON shapes of docs/http-api.md.</summary>
internal static class ClusterViews
{
    public static ClusterView Cluster(ClusterStateSnapshot state, string mode)
    {
        // A leaderless cluster never has a leader; in leader mode none is shown while none is agreed.
        var leader = state.Leader;
        return new ClusterView(
            state.Self.Id.Value,
            leader?.Id.Value,
            leader is null ? null : state.LeaderEpoch.Value,
            mode,
            [.. state.Members.Select(m => Member(m, !state.Unreachable.Contains(m.Node)))]);
    }

    public static MemberView Member(Member member, bool reachable) => new(
        member.Id.Value,
        member.Address.ToString(),
        member.Status.ToString(),
        reachable,
        [.. member.Roles],
        DateTimeOffset.FromUnixTimeMilliseconds(member.StartupTimeMs),
        member.Node.Incarnation.ToString());

    /// <summary>The event as shown on `GET /v1/cluster/events`; <paramref name="state"/> is the state at (or after) the event.</summary>
    public static ClusterEventView Event(ClusterEvent change, ClusterStateSnapshot state, DateTimeOffset at)
    {
        var leader = state.Leader?.Id.Value;
        long? epoch = state.Leader is null ? null : state.LeaderEpoch.Value;
        return change switch
        {
            ClusterEvent.LeaderChanged changed => new ClusterEventView(
                nameof(ClusterEvent.LeaderChanged),
                null,
                changed.Leader?.Id.Value,
                changed.Leader is null ? null : changed.Epoch.Value,
                at,
                null),
            ClusterEvent.UnreachableMember e => MemberEvent(nameof(ClusterEvent.UnreachableMember), e.Member, reachable: false),
            ClusterEvent.ReachableMember e => MemberEvent(nameof(ClusterEvent.ReachableMember), e.Member, reachable: true),
            ClusterEvent.MemberJoined e => MemberEvent(nameof(ClusterEvent.MemberJoined), e.Member, Reachable(e.Member)),
            ClusterEvent.MemberUp e => MemberEvent(nameof(ClusterEvent.MemberUp), e.Member, Reachable(e.Member)),
            ClusterEvent.MemberLeft e => MemberEvent(nameof(ClusterEvent.MemberLeft), e.Member, Reachable(e.Member)),
            ClusterEvent.MemberExited e => MemberEvent(nameof(ClusterEvent.MemberExited), e.Member, Reachable(e.Member)),
            ClusterEvent.MemberDowned e => MemberEvent(nameof(ClusterEvent.MemberDowned), e.Member, Reachable(e.Member)),
            ClusterEvent.MemberRemoved e => MemberEvent(nameof(ClusterEvent.MemberRemoved), e.Member, Reachable(e.Member)),
            _ => throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"cluster event {change.GetType().Name} has no HTTP shape"), nameof(change)),
        };

        bool Reachable(Member member) => !state.Unreachable.Contains(member.Node);

        ClusterEventView MemberEvent(string type, Member member, bool reachable) =>
            new(type, ClusterViews.Member(member, reachable), leader, epoch, at, null);
    }
}

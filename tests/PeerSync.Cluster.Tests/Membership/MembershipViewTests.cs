using PeerSync.Cluster.Membership;
using static PeerSync.Cluster.Tests.TestNodes;

namespace PeerSync.Cluster.Tests.Membership;

public sealed class MembershipViewTests
{
    [Fact]
    public void Converged_when_every_live_member_has_seen_the_state()
    {
        var gossip = GossipOf(Member("n1"), Member("n2"), Member("n3"));
        Assert.True(gossip.View().IsConverged);
        Assert.False(gossip.WithSeen(UniqueNodeOrder.EmptySet.Add(Node("n1"))).View().IsConverged);
    }

    [Fact]
    public void Unreachable_member_blocks_convergence_until_it_is_down()
    {
        var gossip = GossipOf(Member("n1"), Member("n2"), Member("n3")).WithUnreachable("n1", "n3");
        Assert.False(gossip.View().IsConverged);
        var downed = GossipOf(Member("n1"), Member("n2"), Member("n3", MemberStatus.Down)).WithUnreachable("n1", "n3")
            .WithSeen(UniqueNodeOrder.EmptySet.Add(Node("n1")).Add(Node("n2")));
        Assert.True(downed.View().IsConverged);
    }

    [Fact]
    public void Observations_of_down_observers_are_ignored()
    {
        var gossip = GossipOf(Member("n1", MemberStatus.Down), Member("n2"), Member("n3")).WithUnreachable("n1", "n3");
        Assert.Empty(gossip.View().Unreachable);
    }

    [Fact]
    public void Coordinator_is_the_oldest_reachable_up_member()
    {
        var gossip = GossipOf(Member("n1", startupMs: 50), Member("n2", startupMs: 10), Member("n3", startupMs: 20)).WithUnreachable("n1", "n2");
        Assert.Equal(Node("n3"), gossip.View().Coordinator);
    }

    [Fact]
    public void Voting_set_holds_every_member_that_was_up_and_is_not_removed()
    {
        var gossip = GossipOf(Member("n1"), Member("n2", MemberStatus.Joining), Member("n3", MemberStatus.Down), Member("n4", MemberStatus.Exiting));
        Assert.Equal([Node("n1"), Node("n3"), Node("n4")], gossip.View().VotingSet.ToArray());
        Assert.Equal(2, gossip.View().Majority);
    }

    [Fact]
    public void Rightful_leader_is_the_oldest_up_member_a_majority_sees_as_reachable()
    {
        var gossip = GossipOf(Member("n1", startupMs: 5), Member("n2", startupMs: 6), Member("n3", startupMs: 7));
        Assert.Equal(Node("n1"), gossip.View().RightfulLeader);
        var n1Cut = gossip.WithUnreachable("n2", "n1").WithUnreachable("n3", "n1");
        Assert.Equal(Node("n2"), n1Cut.View().RightfulLeader);
        var oneObserver = gossip.WithUnreachable("n2", "n1");
        Assert.Equal(Node("n1"), oneObserver.View().RightfulLeader);
    }

    [Fact]
    public void Rightful_leader_honours_the_role_filter_and_ties_break_by_node_id()
    {
        var gossip = GossipOf(Member("n1", startupMs: 5), Member("n3", startupMs: 5, roles: "hub"), Member("n2", startupMs: 5, roles: "hub"));
        Assert.Equal(Node("n1"), gossip.View().RightfulLeader);
        Assert.Equal(Node("n2"), gossip.View("hub").RightfulLeader);
        Assert.Null(gossip.View("absent").RightfulLeader);
    }

    [Fact]
    public void Joining_member_coordinates_only_while_nobody_has_been_up_in_the_cluster()
    {
        var forming = GossipOf(Member("n2", MemberStatus.Joining, startupMs: 5), Member("n3", MemberStatus.Joining, startupMs: 6));
        Assert.True(forming.View().IsForming);
        Assert.Equal(Node("n2"), forming.View().Coordinator);

        // A stale view: the members that were Up are Down (or gone, leaving tombstones).
        var stale = GossipOf(Member("n1", MemberStatus.Down), Member("n2", MemberStatus.Joining, incarnation: 2));
        Assert.False(stale.View().IsForming);
        Assert.Null(stale.View().Coordinator);
        Assert.Empty(MembershipCoordinator.Act(stale, stale.View(), Node("n2", 2), 100).Actions);
        var onlyJoiners = GossipOf(Member("n2", MemberStatus.Joining, incarnation: 2));
        var emptied = new Gossip(onlyJoiners.Members, onlyJoiners.Reachability, onlyJoiners.Tombstones.Add(Node("n1"), 7), onlyJoiners.Election, onlyJoiners.Seen);
        Assert.Null(emptied.View().Coordinator);
    }

    [Fact]
    public void Exiting_member_coordinates_before_a_joiner_once_the_cluster_has_formed()
    {
        var gossip = GossipOf(Member("n1", MemberStatus.Exiting), Member("n2", MemberStatus.Joining));
        Assert.Equal(Node("n1"), gossip.View().Coordinator);
        var (_, actions) = MembershipCoordinator.Act(gossip, gossip.View(), Node("n1"), 100);
        Assert.Equal([new MembershipCoordinator.Action(Node("n2"), MemberStatus.Joining, MemberStatus.Up)], actions);
    }
}

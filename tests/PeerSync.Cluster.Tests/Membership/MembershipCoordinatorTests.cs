using PeerSync.Cluster.Membership;
using static PeerSync.Cluster.Tests.TestNodes;

namespace PeerSync.Cluster.Tests.Membership;

public sealed class MembershipCoordinatorTests
{
    private static (Gossip Gossip, IReadOnlyList<MembershipCoordinator.Action> Actions) Act(Gossip gossip, string self = "n1", Func<Remote.Addressing.UniqueNode, bool>? canPromote = null) =>
        MembershipCoordinator.Act(gossip, gossip.View(), Node(self), 100, canPromote);

    [Fact]
    public void Nothing_happens_without_convergence_or_on_a_non_coordinator()
    {
        var gossip = GossipOf(Member("n1"), Member("n2", MemberStatus.Joining));
        Assert.Empty(Act(gossip.WithSeen(UniqueNodeOrder.EmptySet.Add(Node("n1")))).Actions);
        Assert.Empty(Act(gossip, self: "n2").Actions);
    }

    [Fact]
    public void Joining_members_move_up_one_per_round_oldest_first()
    {
        var gossip = GossipOf(Member("n1"), Member("n3", MemberStatus.Joining, startupMs: 9), Member("n2", MemberStatus.Joining, startupMs: 8));
        var (after, actions) = Act(gossip);
        Assert.Equal([new MembershipCoordinator.Action(Node("n2"), MemberStatus.Joining, MemberStatus.Up)], actions);
        Assert.Equal(MemberStatus.Joining, after.MemberOf(Node("n3"))!.Status);
        Assert.Equal([Node("n1")], after.Seen.ToArray());
    }

    [Fact]
    public void Removal_comes_before_promotion_and_leavers_exit_together()
    {
        var gossip = GossipOf(Member("n1"), Member("n2", MemberStatus.Down), Member("n3", MemberStatus.Joining), Member("n4", MemberStatus.Leaving), Member("n5", MemberStatus.Leaving));
        var (after, actions) = Act(gossip);
        Assert.Contains(new MembershipCoordinator.Action(Node("n2"), MemberStatus.Down, MemberStatus.Removed), actions);
        Assert.True(after.IsTombstoned(Node("n2")));
        Assert.Equal(MemberStatus.Exiting, after.MemberOf(Node("n4"))!.Status);
        Assert.Equal(MemberStatus.Exiting, after.MemberOf(Node("n5"))!.Status);
        Assert.Equal(MemberStatus.Joining, after.MemberOf(Node("n3"))!.Status);
    }

    [Fact]
    public void Promotion_waits_while_the_leader_has_no_lease_acknowledgement_from_the_joiner()
    {
        var gossip = GossipOf(Member("n1"), Member("n2", MemberStatus.Joining));
        Assert.Empty(Act(gossip, canPromote: _ => false).Actions);
        Assert.Single(Act(gossip, canPromote: _ => true).Actions);
    }

    [Fact]
    public void A_removal_held_by_canRemove_blocks_every_voting_set_change_of_the_round()
    {
        var gossip = GossipOf(Member("n1"), Member("n2", MemberStatus.Exiting), Member("n3", MemberStatus.Joining), Member("n4", MemberStatus.Leaving));
        var (after, actions) = MembershipCoordinator.Act(gossip, gossip.View(), Node("n1"), 100, canRemove: _ => false);
        Assert.Equal([new MembershipCoordinator.Action(Node("n4"), MemberStatus.Leaving, MemberStatus.Exiting)], actions);
        Assert.Equal(MemberStatus.Exiting, after.MemberOf(Node("n2"))!.Status);
        Assert.Equal(MemberStatus.Joining, after.MemberOf(Node("n3"))!.Status);

        var asked = new List<Remote.Addressing.UniqueNode>();
        var (removed, _) = MembershipCoordinator.Act(gossip, gossip.View(), Node("n1"), 100, canRemove: node => { asked.Add(node); return true; });
        Assert.Equal([Node("n2")], asked);
        Assert.True(removed.IsTombstoned(Node("n2")));
    }

    [Fact]
    public void A_leaver_held_by_canExit_stays_Leaving_while_the_others_exit()
    {
        var gossip = GossipOf(Member("n1", MemberStatus.Leaving), Member("n2"), Member("n3", MemberStatus.Leaving));
        var (after, actions) = MembershipCoordinator.Act(gossip, gossip.View(), Node("n1"), 100, canExit: node => node != Node("n1"));
        Assert.Equal([new MembershipCoordinator.Action(Node("n3"), MemberStatus.Leaving, MemberStatus.Exiting)], actions);
        Assert.Equal(MemberStatus.Leaving, after.MemberOf(Node("n1"))!.Status);
    }

    [Fact]
    public void Last_member_leaving_removes_itself()
    {
        var gossip = GossipOf(Member("n1", MemberStatus.Exiting));
        var (after, actions) = Act(gossip);
        Assert.Single(actions);
        Assert.True(after.IsTombstoned(Node("n1")));
    }
}

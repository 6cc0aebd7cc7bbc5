using PeerSync.Cluster.Downing;
using PeerSync.Cluster.Membership;
using static PeerSync.Cluster.Tests.TestNodes;

namespace PeerSync.Cluster.Tests.Downing;

public sealed class DowningDeciderTests
{
    private static DowningDecision Decide(Gossip gossip, string self, DowningStrategy strategy = DowningStrategy.KeepMajority, int quorum = 0, bool downIfAlone = true) =>
        DowningDecider.Decide(strategy, gossip.View(), Node(self), quorum, downIfAlone);

    /// <summary>Five members, n4 and n5 cut off; each side sees the other as unreachable.</summary>
    private static (Gossip Majority, Gossip Minority) Split32()
    {
        var all = GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3), Member("n4", startupMs: 4), Member("n5", startupMs: 5));
        var majority = all.WithUnreachable("n1", "n4", "n5").WithUnreachable("n2", "n4", "n5");
        var minority = all.WithUnreachable("n4", "n1", "n2", "n3").WithUnreachable("n5", "n1", "n2", "n3");
        return (majority, minority);
    }

    [Fact]
    public void Keep_majority_downs_the_minority_and_the_minority_downs_itself()
    {
        var (majority, minority) = Split32();
        var kept = Decide(majority, "n1");
        Assert.False(kept.DownSelf);
        Assert.Equal([Node("n4"), Node("n5")], kept.ToDown.ToArray());
        Assert.True(Decide(minority, "n4").DownSelf);
        Assert.Contains("2 of 5", Decide(minority, "n5").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Keep_majority_breaks_a_tie_by_the_oldest_member()
    {
        var all = GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3), Member("n4", startupMs: 4));
        var withOldest = all.WithUnreachable("n1", "n3", "n4");
        var withoutOldest = all.WithUnreachable("n3", "n1", "n2");
        Assert.False(Decide(withOldest, "n1").DownSelf);
        Assert.True(Decide(withoutOldest, "n3").DownSelf);
    }

    [Fact]
    public void Keep_majority_counts_joining_members_in_the_whole_so_a_one_step_view_difference_cannot_make_both_sides_win()
    {
        // Side B promoted n5 just before the split; side A still sees it Joining. Both must agree.
        var sideA = GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3), Member("n4", startupMs: 4), Member("n5", MemberStatus.Joining, startupMs: 5), Member("n6", startupMs: 0))
            .WithUnreachable("n2", "n1", "n5", "n6");
        var sideB = GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3), Member("n4", startupMs: 4), Member("n5", startupMs: 5), Member("n6", startupMs: 0))
            .WithUnreachable("n6", "n2", "n3", "n4");
        var a = Decide(sideA, "n2");
        var b = Decide(sideB, "n6");
        Assert.False(!a.DownSelf && !b.DownSelf, $"both sides survive: {a.Reason} / {b.Reason}");
    }

    [Fact]
    public void Keep_oldest_keeps_the_side_of_the_oldest_unless_it_is_alone()
    {
        var (majority, minority) = Split32();
        Assert.False(Decide(majority, "n2", DowningStrategy.KeepOldest).DownSelf);
        Assert.True(Decide(minority, "n4", DowningStrategy.KeepOldest).DownSelf);

        var all = GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3));
        var oldestAlone = all.WithUnreachable("n1", "n2", "n3");
        var others = all.WithUnreachable("n2", "n1").WithUnreachable("n3", "n1");
        Assert.True(Decide(oldestAlone, "n1", DowningStrategy.KeepOldest).DownSelf);
        Assert.False(Decide(others, "n2", DowningStrategy.KeepOldest).DownSelf);
        Assert.False(Decide(oldestAlone, "n1", DowningStrategy.KeepOldest, downIfAlone: false).DownSelf);
    }

    [Fact]
    public void Static_quorum_keeps_a_side_with_at_least_the_quorum()
    {
        var (majority, minority) = Split32();
        Assert.False(Decide(majority, "n1", DowningStrategy.StaticQuorum, quorum: 3).DownSelf);
        Assert.True(Decide(minority, "n4", DowningStrategy.StaticQuorum, quorum: 3).DownSelf);
        Assert.True(Decide(majority, "n1", DowningStrategy.StaticQuorum, quorum: 4).DownSelf);
    }

    [Fact]
    public void Off_and_an_empty_unreachable_set_decide_nothing()
    {
        var (majority, _) = Split32();
        Assert.True(Decide(majority, "n1", DowningStrategy.Off).IsNothing);
        Assert.True(Decide(GossipOf(Member("n1"), Member("n2")), "n1").IsNothing);
    }

    [Fact]
    public void A_broken_link_between_two_members_downs_the_younger_of_them_only()
    {
        var all = GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3));
        var view = all.WithUnreachable("n1", "n2").WithUnreachable("n2", "n1");
        var fromN3 = Decide(view, "n3");
        Assert.Equal([Node("n2")], fromN3.ToDown.ToArray());
        Assert.Equal([Node("n2")], Decide(view, "n1").ToDown.ToArray());
        Assert.True(Decide(view, "n2").DownSelf);
    }

    [Fact]
    public void An_isolated_node_reading_stale_rows_downs_itself()
    {
        // n3 woke from a pause holding rows in which everyone (itself included) is unreachable.
        var all = GossipOf(Member("n1", startupMs: 5), Member("n2", startupMs: 6), Member("n3", startupMs: 1), Member("n4", MemberStatus.Down, startupMs: 7));
        var view = all.WithUnreachable("n1", "n3").WithUnreachable("n2", "n3").WithUnreachable("n3", "n1", "n2");
        Assert.True(Decide(view, "n3").DownSelf);
    }
}

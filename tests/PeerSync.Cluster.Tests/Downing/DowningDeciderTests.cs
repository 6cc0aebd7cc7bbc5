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

    /// <summary>
    /// A 3-2 split whose small side (n1, n2) had accused n3, n4 and n5 just before the cut (its
    /// inbound heartbeats lagged) and could not retract it afterwards: the big side holds those
    /// rows for good, next to its own rows accusing n1 and n2.
    /// </summary>
    private static Gossip MajorityHoldingStaleAccusations() =>
        GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3), Member("n4", startupMs: 4), Member("n5", startupMs: 5))
            .WithUnreachable("n1", "n2", "n3", "n4", "n5")
            .WithUnreachable("n2", "n1", "n3", "n4", "n5")
            .WithUnreachable("n3", "n1", "n2")
            .WithUnreachable("n4", "n1", "n2")
            .WithUnreachable("n5", "n1", "n2");

    [Fact]
    public void Keep_majority_keeps_a_majority_that_holds_stale_accusations_from_observers_it_has_cut_off()
    {
        // The multi-node flake: each of n3, n4, n5 found itself accused (by n1's and n2's frozen
        // rows), counted "0 of 5" and downed itself, while the 2-side lost too: nobody was left.
        var view = MajorityHoldingStaleAccusations();
        foreach (var self in new[] { "n3", "n4", "n5" })
        {
            var decision = Decide(view, self);
            Assert.False(decision.DownSelf, $"{self}: {decision.Reason}");
            Assert.Equal([Node("n1"), Node("n2")], decision.ToDown.ToArray());
            Assert.Contains("3 of 5", decision.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_accusation_still_counts_while_a_member_this_node_hears_keeps_an_intact_link_with_the_accuser()
    {
        // n5 still hears n1 and n1 still hears n5, so n1 is not cut off from n4's side and its row,
        // accusing n3 and n4, may be current: it counts, and n1, n3 and n4 are cut off from each
        // other by broken links while n5 reaches them all. The fewest to down is n1 (the broken-link
        // rule); n2, which n4's whole side accuses, is left to the strategy once n1 is Down.
        var view = GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3), Member("n4", startupMs: 4), Member("n5", startupMs: 5))
            .WithUnreachable("n1", "n3", "n4")
            .WithUnreachable("n3", "n1", "n2")
            .WithUnreachable("n4", "n1", "n2")
            .WithUnreachable("n5", "n2");
        Assert.Equal([Node("n2")], CredibleReachability.CutOffObservers(view, Node("n4")).ToArray());
        var decision = Decide(view, "n4");
        Assert.False(decision.DownSelf, decision.Reason);
        Assert.Equal([Node("n1")], decision.ToDown.ToArray());
        Assert.Contains("indirectly connected", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(
            [Node("n1"), Node("n2"), Node("n3"), Node("n4")],
            CredibleReachability.Unreachable(view, Node("n4")).ToArray());
        Assert.Equal([Node("n1"), Node("n2")], CredibleReachability.Unreachable(MajorityHoldingStaleAccusations(), Node("n4")).ToArray());
    }

    [Fact]
    public void An_observer_that_does_not_hear_a_member_has_a_broken_link_with_it_even_if_that_member_hears_it()
    {
        // Rows are read as broken links in both directions: n1 does not hear n5, so n5, which has
        // not accused n1 (it still hears it), is no intact link to n1 either. n1 is cut off from
        // n4's whole side, its row no longer counts against n3, n4 and n5, and they keep as 3 of 5.
        // Before, n4 waited for n5 to accuse n1 itself (and downed itself if the view stayed so).
        var view = GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3), Member("n4", startupMs: 4), Member("n5", startupMs: 5))
            .WithUnreachable("n1", "n3", "n4", "n5")
            .WithUnreachable("n3", "n1", "n2")
            .WithUnreachable("n4", "n1", "n2")
            .WithUnreachable("n5", "n2");
        var decision = Decide(view, "n4");
        Assert.False(decision.DownSelf, decision.Reason);
        Assert.Equal([Node("n1"), Node("n2")], decision.ToDown.ToArray());
        Assert.Equal([Node("n1"), Node("n2")], CredibleReachability.CutOffObservers(view, Node("n4")).ToArray());
    }

    [Fact]
    public void Discounting_the_cut_off_side_cannot_make_both_sides_of_a_split_win()
    {
        // The 2-side's own view of the same split: its rows accuse the 3-side; the 3-side's rows it
        // holds are stale and accuse n1 only (one of them saw n1 lag before the cut).
        var big = MajorityHoldingStaleAccusations();
        var small = GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3), Member("n4", startupMs: 4), Member("n5", startupMs: 5))
            .WithUnreachable("n1", "n3", "n4", "n5")
            .WithUnreachable("n2", "n3", "n4", "n5")
            .WithUnreachable("n3", "n1");
        Assert.False(Decide(big, "n3").DownSelf);
        Assert.True(Decide(small, "n1").DownSelf);
        Assert.True(Decide(small, "n2").DownSelf);
        Assert.Contains("2 of 5", Decide(small, "n2").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_this_side_downed_still_counts_in_the_whole_until_it_is_removed()
    {
        // Cluster swarm seed 1725: n1 downed the paused n2 on n3's row, which a cut n1 had not
        // noticed yet had frozen (n3 saw n2 again right after). n1 must not then keep itself alone
        // as half of {n1, n3}: n2 and n3, on their side, keep as 2 of 3.
        var n1View = GossipOf(Member("n1", startupMs: 1), Member("n2", MemberStatus.Down, startupMs: 2), Member("n3", startupMs: 3))
            .WithUnreachable("n1", "n2", "n3")
            .WithUnreachable("n3", "n2");
        var n3View = GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3))
            .WithUnreachable("n1", "n2")
            .WithUnreachable("n2", "n1")
            .WithUnreachable("n3", "n1");
        var lone = Decide(n1View, "n1");
        Assert.True(lone.DownSelf, lone.Reason);
        Assert.Contains("1 of 3", lone.Reason, StringComparison.Ordinal);
        Assert.False(Decide(n3View, "n3").DownSelf);
        Assert.False(Decide(n3View, "n2").DownSelf);
    }

    [Fact]
    public void A_down_oldest_member_breaks_no_tie()
    {
        // n1, the oldest, was downed and is not removed yet when {n2, n3} and {n4, n5} split: it
        // may still count on a side that has not learned of its down, so neither side may take it
        // as the tie-break (before, both sides left it out and n2's side kept on the tie).
        var members = new[] { Member("n1", MemberStatus.Down, startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3), Member("n4", startupMs: 4), Member("n5", startupMs: 5) };
        var sideA = GossipOf(members).WithUnreachable("n2", "n4", "n5").WithUnreachable("n3", "n4", "n5");
        var sideB = GossipOf(members).WithUnreachable("n4", "n2", "n3").WithUnreachable("n5", "n2", "n3");
        var a = Decide(sideA, "n2");
        Assert.True(a.DownSelf, a.Reason);
        Assert.Contains("2 of 5", a.Reason, StringComparison.Ordinal);
        Assert.True(Decide(sideB, "n4").DownSelf);
    }

    [Fact]
    public void A_leaver_cut_off_with_a_frozen_row_is_downed_so_that_its_row_stops_counting()
    {
        // Cluster swarm seed 7490: n3 crashed while Exiting; its last row accused n6 (then paused).
        // No strategy judges a leaver, so the row would keep n6 unreachable in the view and the
        // cluster from converging for good; n6 downs n3 instead of counting itself out.
        var view = GossipOf(Member("n2", MemberStatus.Down, startupMs: 2), Member("n3", MemberStatus.Exiting, startupMs: 3), Member("n6", startupMs: 6), Member("n4", MemberStatus.Joining, startupMs: 7, incarnation: 2))
            .WithUnreachable("n3", "n6")
            .WithUnreachable("n6", "n3")
            .WithUnreachable("n4", "n3");
        var decision = Decide(view, "n6");
        Assert.False(decision.DownSelf, decision.Reason);
        Assert.Equal([Node("n3")], decision.ToDown.ToArray());

        // A leaver whose row accuses nobody blocks nothing: the coordinator removes it as before.
        var quiet = GossipOf(Member("n1", startupMs: 1), Member("n2", MemberStatus.Exiting, startupMs: 2))
            .WithUnreachable("n1", "n2");
        Assert.True(Decide(quiet, "n1").IsNothing);
    }

    private static Gossip Five() =>
        GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3), Member("n4", startupMs: 4), Member("n5", startupMs: 5));

    [Fact]
    public void A_deaf_member_is_downed_by_the_healthy_four_and_downs_itself()
    {
        // n3 receives nothing but everything it sends arrives: it accuses everyone, nobody accuses
        // it. Before, each healthy node found itself accused by a credible n3, counted "1 of 5" and
        // downed itself (the simulation, seeds 7 and 8).
        var healthyView = Five().WithUnreachable("n3", "n1", "n2", "n4", "n5");
        foreach (var self in new[] { "n1", "n2", "n4", "n5" })
        {
            var decision = Decide(healthyView, self);
            Assert.False(decision.DownSelf, $"{self}: {decision.Reason}");
            Assert.Equal([Node("n3")], decision.ToDown.ToArray());
            Assert.Contains("4 of 5", decision.Reason, StringComparison.Ordinal);
        }

        // n3's own view: no row of the others changes any more (their gossip does not reach it).
        var deafView = Five().WithUnreachable("n3", "n1", "n2", "n4", "n5");
        var deaf = Decide(deafView, "n3");
        Assert.True(deaf.DownSelf, deaf.Reason);
        Assert.Contains("1 of 5", deaf.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deaf_oldest_member_is_downed_and_breaks_no_tie_for_anyone()
    {
        var view = Five().WithUnreachable("n1", "n2", "n3", "n4", "n5");
        var decision = Decide(view, "n2");
        Assert.False(decision.DownSelf, decision.Reason);
        Assert.Equal([Node("n1")], decision.ToDown.ToArray());
        Assert.True(Decide(view, "n1").DownSelf);
        Assert.True(Decide(view, "n1", DowningStrategy.KeepOldest).DownSelf);
        Assert.False(Decide(view, "n2", DowningStrategy.KeepOldest).DownSelf);
    }

    [Fact]
    public void A_member_deaf_to_some_members_only_is_judged_as_one_way_losses_the_members_it_does_not_hear_are_downed()
    {
        // n3 does not hear n1 and n2 but hears n4 and n5. The view cannot tell this from n3 being the
        // first to detect a crash of n1 and n2 (the rows of n4 and n5 not in yet), so it is judged
        // as that crash would be: n3, n4 and n5 keep as 3 of 5 and down n1 and n2, who down
        // themselves too (as on main; the branch that read every row both ways downed n3 here, and
        // so downed the first detector of a two-member crash whose other survivors detected late).
        var view = Five().WithUnreachable("n3", "n1", "n2");
        foreach (var self in new[] { "n3", "n4", "n5" })
        {
            var decision = Decide(view, self);
            Assert.False(decision.DownSelf, $"{self}: {decision.Reason}");
            Assert.Equal([Node("n1"), Node("n2")], decision.ToDown.ToArray());
        }

        Assert.Contains(Node("n1"), Decide(view, "n1").ToDown);
        Assert.Contains(Node("n2"), Decide(view, "n2").ToDown);
    }

    [Fact]
    public void The_first_member_to_detect_a_crash_stays_on_its_side_until_the_others_detect_it_too()
    {
        // Only n2's row accuses the crashed oldest n1 so far (n3 detects late). Read both ways, the
        // link n2 - n1 put n2 on no side and the broken-link rule downed n2, the younger end.
        var three = GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3));
        var firstDetection = three.WithUnreachable("n2", "n1");
        foreach (var self in new[] { "n2", "n3" })
        {
            var decision = Decide(firstDetection, self);
            Assert.False(decision.DownSelf, $"{self}: {decision.Reason}");
            Assert.Equal([Node("n1")], decision.ToDown.ToArray());
            Assert.Equal([Node("n1")], CredibleReachability.Undecided(firstDetection, Node(self)).ToArray());
        }

        // Once n3 detects too, the set the stability clock follows is the same: no restart.
        var bothDetected = firstDetection.WithUnreachable("n3", "n1");
        Assert.Equal([Node("n1")], CredibleReachability.Undecided(bothDetected, Node("n2")).ToArray());
        Assert.Equal([Node("n1")], Decide(bothDetected, "n3").ToDown.ToArray());

        // Two members crashed (or cut off by a partition), n1 detected both first: n1 is not "deaf to
        // two members", it keeps with n2 and n3 (the minimum cover of the links read both ways was n1).
        var twoCrashed = Five().WithUnreachable("n1", "n4", "n5");
        foreach (var self in new[] { "n1", "n2", "n3" })
        {
            var decision = Decide(twoCrashed, self);
            Assert.False(decision.DownSelf, $"{self}: {decision.Reason}");
            Assert.Equal([Node("n4"), Node("n5")], decision.ToDown.ToArray());
        }
    }

    [Fact]
    public void Two_deaf_members_are_downed_by_the_three_others()
    {
        var healthyView = Five().WithUnreachable("n3", "n1", "n2", "n4", "n5").WithUnreachable("n4", "n1", "n2", "n3", "n5");
        foreach (var self in new[] { "n1", "n2", "n5" })
        {
            var decision = Decide(healthyView, self);
            Assert.False(decision.DownSelf, $"{self}: {decision.Reason}");
            Assert.Equal([Node("n3"), Node("n4")], decision.ToDown.ToArray());
        }

        // Each deaf node holds only its own current row (the other's gossip does not reach it).
        Assert.True(Decide(Five().WithUnreachable("n3", "n1", "n2", "n4", "n5"), "n3").DownSelf);
        Assert.True(Decide(Five().WithUnreachable("n4", "n1", "n2", "n3", "n5"), "n4").DownSelf);
    }

    [Fact]
    public void A_deaf_member_on_the_bigger_side_of_a_partition_leaves_no_side_a_majority()
    {
        // {n1, n2, n3} | {n4, n5}, and n3 is deaf: only n1 and n2 hear each other on the 3-side, so
        // neither side keeps (2 of 5 each) and nobody is left, but no two sides keep.
        var bigSide = Five()
            .WithUnreachable("n1", "n4", "n5")
            .WithUnreachable("n2", "n4", "n5")
            .WithUnreachable("n3", "n1", "n2", "n4", "n5");
        var smallSide = Five()
            .WithUnreachable("n4", "n1", "n2", "n3")
            .WithUnreachable("n5", "n1", "n2", "n3");
        foreach (var self in new[] { "n1", "n2", "n3" })
        {
            var decision = Decide(bigSide, self);
            Assert.True(decision.DownSelf, $"{self}: {decision.Reason}");
        }

        Assert.Contains("2 of 5", Decide(bigSide, "n1").Reason, StringComparison.Ordinal);
        Assert.True(Decide(smallSide, "n4").DownSelf);
        Assert.True(Decide(smallSide, "n5").DownSelf);
    }

    [Fact]
    public void A_deaf_member_on_the_smaller_side_of_a_partition_does_not_change_the_verdict()
    {
        // {n1, n2, n3} | {n4, n5}, and n5 is deaf: the 3-side keeps, the 2-side loses.
        var bigSide = Five()
            .WithUnreachable("n1", "n4", "n5")
            .WithUnreachable("n2", "n4", "n5")
            .WithUnreachable("n3", "n4", "n5");
        var smallSide = Five()
            .WithUnreachable("n4", "n1", "n2", "n3")
            .WithUnreachable("n5", "n1", "n2", "n3", "n4");
        Assert.False(Decide(bigSide, "n1").DownSelf);
        Assert.Equal([Node("n4"), Node("n5")], Decide(bigSide, "n2").ToDown.ToArray());
        Assert.True(Decide(smallSide, "n4").DownSelf);
        Assert.True(Decide(smallSide, "n5").DownSelf);
    }
}

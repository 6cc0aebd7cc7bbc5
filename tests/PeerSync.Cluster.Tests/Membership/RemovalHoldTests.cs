using PeerSync.Cluster.Membership;
using static PeerSync.Cluster.Tests.TestNodes;

namespace PeerSync.Cluster.Tests.Membership;

/// <summary>The coordinator's hold on a removal for the leader's lease is bounded (election.md, "Voting set").</summary>
public sealed class RemovalHoldTests
{
    private const long MaxHoldMs = 3_000;

    [Fact]
    public void MayRemove_is_true_at_once_when_the_election_allows_it()
    {
        var hold = new RemovalHold(MaxHoldMs);
        Assert.True(hold.MayRemove(Node("n2"), electionAllows: true, 0, out var heldMs));
        Assert.Equal(0, heldMs);
    }

    [Fact]
    public void MayRemove_holds_a_member_for_at_most_the_bound_then_lets_it_go()
    {
        var hold = new RemovalHold(MaxHoldMs);
        for (var now = 100L; now < 100 + MaxHoldMs; now += 500)
        {
            Assert.False(hold.MayRemove(Node("n2"), electionAllows: false, now, out _));
        }

        Assert.True(hold.MayRemove(Node("n2"), electionAllows: false, 100 + MaxHoldMs, out var heldMs));
        Assert.Equal(MaxHoldMs, heldMs);
    }

    [Fact]
    public void MayRemove_starts_afresh_for_another_member_or_after_the_election_allowed_one()
    {
        var hold = new RemovalHold(MaxHoldMs);
        Assert.False(hold.MayRemove(Node("n2"), electionAllows: false, 0, out _));
        Assert.False(hold.MayRemove(Node("n3"), electionAllows: false, 2_000, out _));
        Assert.False(hold.MayRemove(Node("n3"), electionAllows: false, MaxHoldMs, out _));
        Assert.True(hold.MayRemove(Node("n3"), electionAllows: false, 2_000 + MaxHoldMs, out _));

        Assert.True(hold.MayRemove(Node("n2"), electionAllows: true, 6_000, out _));
        Assert.False(hold.MayRemove(Node("n2"), electionAllows: false, 6_100, out _));
    }

    [Fact]
    public void MayRemove_does_not_count_time_in_which_nobody_asked()
    {
        // The coordinator asks only on converged states; a hold left unasked for longer than the
        // bound (this node stopped coordinating) must not let the next removal through at once.
        var hold = new RemovalHold(MaxHoldMs);
        Assert.False(hold.MayRemove(Node("n2"), electionAllows: false, 0, out _));
        Assert.False(hold.MayRemove(Node("n2"), electionAllows: false, 10_000, out _));
        Assert.False(hold.MayRemove(Node("n2"), electionAllows: false, 10_000 + MaxHoldMs - 1, out _));
        Assert.True(hold.MayRemove(Node("n2"), electionAllows: false, 10_000 + MaxHoldMs, out _));
    }
}

using PeerSync.Cluster.Downing;
using PeerSync.Cluster.Membership;
using static PeerSync.Cluster.Tests.TestNodes;

namespace PeerSync.Cluster.Tests.Downing;

public sealed class StabilityTrackerTests
{
    [Fact]
    public void Set_is_stable_only_after_it_stayed_unchanged_for_the_period()
    {
        var tracker = new StabilityTracker();
        var set = UniqueNodeOrder.EmptySet.Add(Node("n2"));
        Assert.True(tracker.Observe(set, 1_000));
        Assert.False(tracker.Observe(set, 3_000));
        Assert.False(tracker.IsStable(5_999, 5_000));
        Assert.True(tracker.IsStable(6_000, 5_000));
        Assert.Equal(6_000, tracker.StableAtMs(5_000));
    }

    [Fact]
    public void Any_change_restarts_the_clock_and_an_empty_set_is_never_stable()
    {
        var tracker = new StabilityTracker();
        tracker.Observe(UniqueNodeOrder.EmptySet.Add(Node("n2")), 0);
        tracker.Observe(UniqueNodeOrder.EmptySet.Add(Node("n2")).Add(Node("n3")), 4_000);
        Assert.False(tracker.IsStable(6_000, 5_000));
        tracker.Observe(UniqueNodeOrder.EmptySet, 7_000);
        Assert.False(tracker.IsStable(100_000, 5_000));
        Assert.Null(tracker.StableAtMs(5_000));
    }
}

using PeerSync.Cluster.FailureDetection;
using static PeerSync.Cluster.Tests.TestNodes;

namespace PeerSync.Cluster.Tests.FailureDetection;

public sealed class FailureDetectorRegistryTests
{
    private static FailureDetectorRegistry Registry() => new(PhiSettings.From(ClusterConfig.Default("10.0.0.1:4053")));

    [Fact]
    public void Unmonitored_member_is_available_and_its_heartbeats_are_ignored()
    {
        var registry = Registry();
        registry.Heartbeat(Node("n2"), 0);
        Assert.False(registry.IsMonitoring(Node("n2")));
        Assert.True(registry.IsAvailable(Node("n2"), 100_000));
    }

    [Fact]
    public void Monitored_member_becomes_unavailable_after_silence_and_next_suspect_time_is_reported()
    {
        var registry = Registry();
        registry.StartMonitoring(Node("n2"), 0);
        Assert.NotNull(registry.NextSuspectAtMs(0));
        Assert.True(registry.IsAvailable(Node("n2"), 1_000));
        Assert.False(registry.IsAvailable(Node("n2"), 10_000));
        Assert.Null(registry.NextSuspectAtMs(10_000));
    }

    [Fact]
    public void Rearm_all_forgives_a_silence_caused_by_this_node_pausing()
    {
        var registry = Registry();
        registry.StartMonitoring(Node("n2"), 0);
        registry.StartMonitoring(Node("n3"), 0);
        registry.RearmAll(20_000, new HashSet<Remote.Addressing.UniqueNode>());
        Assert.True(registry.IsAvailable(Node("n2"), 20_100));
        Assert.True(registry.IsAvailable(Node("n3"), 20_100));
    }

    [Fact]
    public void Rearm_all_keeps_the_suspicion_of_members_accused_before_the_pause()
    {
        // n2 crashed and was accused; then this node paused. Waking must not make n2 reachable
        // again without a heartbeat from it (it did: a follower handed leadership to a dead node).
        var registry = Registry();
        registry.StartMonitoring(Node("n2"), 0);
        registry.StartMonitoring(Node("n3"), 0);
        registry.Heartbeat(Node("n3"), 9_500);

        registry.RearmAll(20_000, new HashSet<Remote.Addressing.UniqueNode> { Node("n2") });

        Assert.False(registry.IsAvailable(Node("n2"), 20_100));
        Assert.True(registry.IsAvailable(Node("n3"), 20_100));
        registry.Heartbeat(Node("n2"), 20_200);
        Assert.True(registry.IsAvailable(Node("n2"), 20_300));
    }

    [Fact]
    public void Stop_monitoring_forgets_the_member()
    {
        var registry = Registry();
        registry.StartMonitoring(Node("n2"), 0);
        registry.StopMonitoring(Node("n2"));
        Assert.Empty(registry.Monitored);
    }
}

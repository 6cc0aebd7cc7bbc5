using PeerSync.Actors;
using PeerSync.Cluster.Membership;
using PeerSync.MultiNode.Tests.Support;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;

namespace PeerSync.MultiNode.Tests;

/// <summary>The multi-node harness itself: link faults, transports, cleanup, misuse.</summary>
public sealed class HarnessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_blackholed_link_makes_its_ends_unreachable_and_healing_before_stable_after_makes_them_reachable_without_downing()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3, output: output);
        await cluster.AwaitConvergenceAsync();
        var timings = new ClusterTimings(cluster);
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);

        // Healed as soon as the cut is seen: long before stable-after could let downing act. (The
        // bound on seeing it is generous: a loaded machine's stalls re-arm the detectors.)
        var cutAt = cluster.Elapsed;
        cluster.Blackhole(n2, n3);
        await cluster.AwaitUnreachableAsync(n3, [n2], timings.DetectionBound + timings.DowningBound);
        await cluster.AwaitAsync(() => n1.Cluster.State.Unreachable.Contains(n3.SelfNode), "n1 learns from n2's row that n3 is unreachable", timings.DetectionBound);
        cluster.Heal(n2, n3);
        var healedAt = cluster.Elapsed;
        var firstUnreachable = cluster.FirstEvent(e => e is ClusterEvent.UnreachableMember, cutAt)!.At;
        Assert.True(healedAt - firstUnreachable < timings.StableAfter, $"healed {healedAt - firstUnreachable} after the first unreachable event: the test means nothing past stable-after");

        await cluster.AwaitMembersUpAsync(3, timeout: timings.DowningBound);
        Assert.DoesNotContain(cluster.Timeline, e => e.At >= cutAt && e.Event is ClusterEvent.MemberDowned);
        Assert.Contains(cluster.Timeline, e => e.At >= cutAt && e.Event is ClusterEvent.ReachableMember);
    }

    [Fact]
    public async Task The_in_memory_transport_runs_the_same_cluster()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3, new MultiNodeOptions { Transport = MultiNodeTransport.InMemory }, output);

        await cluster.AwaitConvergenceAsync();

        Assert.All(cluster.Nodes, n => Assert.Equal(cluster["n1"].SelfNode, n.Cluster.Leader));
        Assert.Equal("in-memory+faults+pausable", cluster["n1"].Node.Remoting.Transport.Name);
    }

    [Fact]
    public async Task Dispose_ends_every_node_also_paused_ones_and_deletes_the_data_directories()
    {
        var cluster = await MultiNodeCluster.StartAsync(3, output: output);
        await cluster.AwaitConvergenceAsync();
        await cluster.PauseAsync(cluster["n3"]);
        var systems = cluster.Nodes.Select(n => n.System).ToList();
        var transports = cluster.Nodes.Select(n => n.Node.Remoting.Transport).ToList();
        var dirs = cluster.Nodes.Select(n => n.DataDirectory).ToList();
        Assert.All(dirs, d => Assert.True(Directory.Exists(d)));

        await cluster.DisposeAsync();

        Assert.All(systems, s => Assert.True(s.IsTerminated));
        Assert.All(dirs, d => Assert.False(Directory.Exists(d)));
        foreach (var transport in transports)
        {
            await transport.Counters.WhenOpenAtMostAsync(0).WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.All(cluster.Nodes, n => Assert.Equal(MultiNodeState.Killed, n.State));
    }

    [Fact]
    public async Task The_harness_refuses_misuse_with_messages_that_say_what_is_wrong()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(2, new MultiNodeOptions { Transport = MultiNodeTransport.InMemory }, output);
        var (n1, n2) = (cluster["n1"], cluster["n2"]);

        Assert.Contains("no node 'n9'", Assert.Throws<ArgumentException>(() => cluster["n9"]).Message, StringComparison.Ordinal);
        Assert.Contains("only a paused node can be resumed", Assert.Throws<InvalidOperationException>(() => cluster.Resume(n1)).Message, StringComparison.Ordinal);
        Assert.Contains("both sides", Assert.Throws<ArgumentException>(() => cluster.Partition([n1], [n1, n2])).Message, StringComparison.Ordinal);
        Assert.Contains("kill or stop it", (await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.StartNodeAsync(n1))).Message, StringComparison.Ordinal);
        await cluster.KillAsync(n2);
        Assert.Contains("n2 is Killed", Assert.Throws<InvalidOperationException>(() => n2.System).Message, StringComparison.Ordinal);
        Assert.Contains("cannot kill n2", (await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.KillAsync(n2))).Message, StringComparison.Ordinal);
        Assert.Contains("only a running node can be paused", (await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.PauseAsync(n2))).Message, StringComparison.Ordinal);
    }

    /// <summary>A link fault names two different nodes of the cluster: anything else is refused, saying which.</summary>
    [Fact]
    public async Task Link_faults_naming_a_node_of_another_cluster_or_one_node_twice_are_refused()
    {
        await using var cluster = MultiNodeCluster.Create(2, new MultiNodeOptions { Transport = MultiNodeTransport.InMemory }, output);
        await using var other = MultiNodeCluster.Create(3, new MultiNodeOptions { Transport = MultiNodeTransport.InMemory }, output);
        var (n1, n2, stranger) = (cluster["n1"], cluster["n2"], other["n3"]);
        var faults = new Dictionary<string, Action<MultiNodeNode, MultiNodeNode>>
        {
            ["blackhole"] = (x, y) => cluster.Blackhole(x, y),
            ["reset"] = (x, y) => cluster.ResetLinks(x, y),
            ["refuse"] = (x, y) => cluster.Refuse(x, y),
            ["heal"] = (x, y) => cluster.Heal(x, y),
            ["partition"] = (x, y) => cluster.Partition([x], [y]),
        };

        foreach (var (kind, fault) in faults)
        {
            var foreign = Assert.Throws<ArgumentException>(() => fault(n1, stranger));
            Assert.True(foreign.Message.Contains("n3 at 127.0.0.1:20003 is not a node of this cluster; nodes are n1, n2", StringComparison.Ordinal), $"{kind}: {foreign.Message}");
            if (kind != "partition")
            {
                var itself = Assert.Throws<ArgumentException>(() => fault(n2, n2));
                Assert.True(itself.Message.Contains("a link fault needs two different nodes, but both are n2", StringComparison.Ordinal), $"{kind}: {itself.Message}");
            }
        }

        // Faults may be set up before the nodes start: the cluster declares its nodes to the injector.
        cluster.Refuse(n1, n2);
        Assert.Equal(0, cluster.ResetLinks(n1, n2));
        cluster.Heal(n1, n2);
    }

    [Fact]
    public async Task A_probe_on_a_node_event_stream_sees_its_member_events()
    {
        await using var cluster = MultiNodeCluster.Create(2, new MultiNodeOptions { Transport = MultiNodeTransport.InMemory }, output);
        await cluster.StartNodeAsync(cluster["n1"]);
        var probe = cluster.EventStreamProbe(cluster["n1"]);

        await cluster.StartNodeAsync(cluster["n2"]);

        var joined = probe.FishForMessage<ClusterEvent.MemberUp>(e => e.Member.Node == cluster["n2"].SelfNode, TimeSpan.FromSeconds(30));
        Assert.Equal(cluster["n2"].Address, joined.Member.Address);
    }
}

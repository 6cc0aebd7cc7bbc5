using PeerSync.Cluster.Host;
using PeerSync.MultiNode.Tests.Support;
using PeerSync.Remote.Transport.Faults;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;

namespace PeerSync.MultiNode.Tests;

/// <summary>A clean network partition of a 5-node cluster.</summary>
public sealed class PartitionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task In_a_3_2_partition_the_2_side_downs_itself_the_3_side_elects_and_after_the_heal_the_2_side_rejoins_as_new_incarnations()
    {
        var (cluster, timings, minority, majority) = await StartFiveAsync();
        await using var _ = cluster;
        var oldLeader = cluster["n1"].SelfNode;
        var oldEpoch = cluster["n1"].Cluster.LeaderEpoch;
        Assert.Equal(oldLeader, cluster["n5"].Cluster.Leader);
        var formerIncarnations = minority.Select(n => n.SelfNode).ToList();

        // The leader is on the small side: the big side must elect a new one.
        var splitAt = cluster.Elapsed;
        cluster.Partition(minority, majority);
        var newLeader = await cluster.AwaitLeaderAgreedAsync(majority, timings.FailoverBound, otherThan: oldLeader);
        cluster.Note($"the 3-side agreed on {newLeader} {(cluster.Elapsed - splitAt).TotalMilliseconds:0} ms after the split");
        Assert.Equal(cluster["n3"].SelfNode, newLeader);
        Assert.True(cluster["n3"].Cluster.LeaderEpoch > oldEpoch);

        foreach (var node in minority)
        {
            await cluster.AwaitClusterPartStoppedAsync(node, timings.DetectionBound + timings.DowningBound);
            // Each side decides after the same stable-after: a minority node downs itself, or, when
            // the majority removed it a moment earlier, learns it from the quarantine notice that a
            // closing connection still carries (the harness blackholes frames, not TCP closes).
            Assert.Matches("downed itself|this member was downed", node.Cluster.StopReason);
        }

        foreach (var node in minority)
        {
            await cluster.AwaitRemovedAsync(node, majority, timings.DetectionBound + timings.DowningBound);
        }

        cluster.Note($"the 2-side stopped and was removed by {(cluster.Elapsed - splitAt).TotalMilliseconds:0} ms after the split");
        Assert.All(majority, n => Assert.False(n.Cluster.IsStopped));
        Assert.All(majority, n => Assert.Equal(newLeader, n.Cluster.Leader));

        cluster.HealAll();
        foreach (var node in minority)
        {
            await cluster.RestartAsync(node);
        }

        await cluster.AwaitConvergenceAsync(cluster.Nodes);
        Assert.All(minority, n => Assert.DoesNotContain(n.SelfNode, formerIncarnations));
        Assert.All(cluster.Nodes, n => Assert.Equal(newLeader, n.Cluster.Leader));
        Assert.DoesNotContain(cluster.Timeline, e => e.At >= splitAt && e.Event is ClusterPartStopped && majority.Any(m => m.Id == e.Node));
        cluster.AssertAtMostOneLeaderPerEpoch();
    }

    /// <summary>
    /// The flake this class had: the 2-side stopped hearing the others (its inbound heartbeats
    /// lagged), saw everyone unreachable and told the 3-side so just before the cut; those rows
    /// were then frozen. Holding them, each 3-side node saw itself unreachable, counted "0 of 5"
    /// and downed itself, and the 2-side lost too. The 3-side must keep itself: rows of observers
    /// it has cut off do not count against it (docs/design/downing.md, "Stale testimony").
    /// </summary>
    [Fact]
    public async Task In_a_3_2_partition_right_after_the_2_side_accused_everyone_the_3_side_keeps_itself_and_elects()
    {
        var (cluster, timings, minority, majority) = await StartFiveAsync();
        await using var _ = cluster;
        var oldLeader = cluster["n1"].SelfNode;

        // n1 and n2 hear nobody (one way: what they send still arrives), so they accuse every other
        // member and their rows reach the 3-side; a one-way loss rather than a delay, so that a
        // stall of the test process (which re-arms the detectors) cannot cancel the accusation.
        foreach (var deaf in minority)
        {
            foreach (var other in cluster.Nodes.Where(n => n != deaf))
            {
                cluster.Blackhole(other, deaf, FaultDirection.FirstToSecond);
            }
        }

        await cluster.AwaitAsync(
            () => majority.All(n => n.Cluster.State.Unreachable.Contains(n.SelfNode)),
            "the 3-side holds rows accusing it",
            timings.DetectionBound + timings.DowningBound);
        var splitAt = cluster.Elapsed;
        cluster.Partition(minority, majority);

        var newLeader = await cluster.AwaitLeaderAgreedAsync(majority, timings.FailoverBound, otherThan: oldLeader);
        Assert.Contains(majority, n => n.SelfNode == newLeader);
        foreach (var node in minority)
        {
            await cluster.AwaitRemovedAsync(node, majority, timings.DetectionBound + timings.DowningBound);
        }

        cluster.Note($"the 2-side was removed by {(cluster.Elapsed - splitAt).TotalMilliseconds:0} ms after the split");
        Assert.All(majority, n => Assert.False(n.Cluster.IsStopped, $"{n.Id} stopped: {n.Cluster.StopReason}"));
        Assert.All(majority, n => Assert.Equal(newLeader, n.Cluster.Leader));
        Assert.DoesNotContain(cluster.Timeline, e => e.At >= splitAt && e.Event is ClusterPartStopped && majority.Any(m => m.Id == e.Node));
        cluster.AssertAtMostOneLeaderPerEpoch();
    }

    /// <summary>Five converged nodes, split for the tests as n1, n2 (the minority, with the leader n1) and n3-n5.</summary>
    private async Task<(MultiNodeCluster Cluster, ClusterTimings Timings, MultiNodeNode[] Minority, MultiNodeNode[] Majority)> StartFiveAsync()
    {
        var cluster = await MultiNodeCluster.StartAsync(5, output: output);
        try
        {
            await cluster.AwaitConvergenceAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return (cluster, new ClusterTimings(cluster), [cluster["n1"], cluster["n2"]], [cluster["n3"], cluster["n4"], cluster["n5"]]);
    }
}

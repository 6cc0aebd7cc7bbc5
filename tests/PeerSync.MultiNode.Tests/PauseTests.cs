using PeerSync.Cluster.Host;
using PeerSync.Cluster.Membership;
using PeerSync.MultiNode.Tests.Support;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;

namespace PeerSync.MultiNode.Tests;

/// <summary>Frozen nodes (no actor runs, nothing sent or read), as a SIGSTOP'ed or GC-bound process.</summary>
public sealed class PauseTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_pause_shorter_than_the_acceptable_heartbeat_pause_gives_no_unreachable_event()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3, output: output);
        await cluster.AwaitConvergenceAsync();
        var timings = new ClusterTimings(cluster);
        var (n1, n3) = (cluster["n1"], cluster["n3"]);
        var leader = n1.Cluster.Leader;
        var epoch = n1.Cluster.LeaderEpoch;

        // Two thirds of the acceptable pause: the silence a peer measures is the pause plus at most
        // one heartbeat interval, still inside what the detector accepts.
        var pause = timings.AcceptablePause * 2 / 3;
        var start = cluster.Elapsed;
        foreach (var node in new[] { n3, n1 })
        {
            await cluster.PauseAsync(node);
            await Task.Delay(pause);
            cluster.Resume(node);
        }

        // Long enough for a missed heartbeat to have been detected, had there been one.
        await Task.Delay(timings.DetectionGoal);

        Assert.DoesNotContain(cluster.Timeline, e => e.At >= start && e.Event is ClusterEvent.UnreachableMember or ClusterEvent.MemberDowned or ClusterEvent.LeaderChanged);
        Assert.All(cluster.Nodes, n => Assert.Equal(leader, n.Cluster.Leader));
        Assert.All(cluster.Nodes, n => Assert.Equal(epoch, n.Cluster.LeaderEpoch));
        await cluster.AwaitMembersUpAsync(3);
        cluster.AssertAtMostOneLeaderPerEpoch();
    }

    [Fact]
    public async Task A_long_pause_gets_the_node_downed_and_on_waking_it_learns_it_and_stops_and_a_restart_rejoins()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3, output: output);
        await cluster.AwaitConvergenceAsync();
        var timings = new ClusterTimings(cluster);
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);
        var frozen = n3.SelfNode;

        var pausedAt = cluster.Elapsed;
        await cluster.PauseAsync(n3);
        await cluster.AwaitUnreachableAsync(n3, [n1, n2], timings.DetectionBound);
        await cluster.AwaitRemovedAsync(n3, [n1, n2], timings.DetectionBound + timings.DowningBound);
        cluster.Note($"n3 removed {(cluster.Elapsed - pausedAt).TotalMilliseconds:0} ms into its pause");
        Assert.False(n3.Cluster.IsStopped);

        cluster.Resume(n3);
        await cluster.AwaitClusterPartStoppedAsync(n3);

        var reason = n3.Cluster.StopReason!;
        Assert.True(reason.Contains("downed", StringComparison.Ordinal) || reason.Contains("removed", StringComparison.Ordinal), reason);
        Assert.Contains(n3.Logs.Entries, e => e.Message.Contains("stops", StringComparison.Ordinal) && e.Message.Contains(frozen.ToString(), StringComparison.Ordinal));
        Assert.Contains(cluster.Timeline, e => e.Observer == frozen && e.Event is ClusterPartStopped);
        Assert.DoesNotContain(cluster.Timeline, e => e.Observer == frozen && e.At >= pausedAt && e.Event is ClusterEvent.LeaderChanged { Leader: { } l } && l == frozen);

        await cluster.RestartAsync(n3);
        await cluster.AwaitConvergenceAsync();
        Assert.NotEqual(frozen, n3.SelfNode);
        Assert.Equal(n1.SelfNode, n3.Cluster.Leader);
        cluster.AssertAtMostOneLeaderPerEpoch();
    }
}

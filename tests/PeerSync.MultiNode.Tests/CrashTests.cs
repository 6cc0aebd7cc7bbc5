using PeerSync.Cluster.Membership;
using PeerSync.MultiNode.Tests.Support;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;

namespace PeerSync.MultiNode.Tests;

/// <summary>Crashed nodes (killed without leaving) on loopback TCP.</summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_crashed_follower_is_unreachable_everywhere_then_downed_then_removed_and_the_leader_stays()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3, output: output);
        await cluster.AwaitConvergenceAsync();
        var timings = new ClusterTimings(cluster);
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);
        var leader = n1.Cluster.Leader;
        var epoch = n1.Cluster.LeaderEpoch;
        var victim = n3.SelfNode;

        var killedAt = cluster.Elapsed;
        await cluster.KillAsync(n3);
        await cluster.AwaitUnreachableAsync(n3, [n1, n2], timings.DetectionBound);
        await cluster.AwaitDownedAsync(n3, [n1, n2], timings.DetectionBound + timings.DowningBound);
        await cluster.AwaitRemovedAsync(n3, [n1, n2]);

        foreach (var observer in new[] { n1, n2 })
        {
            var unreachable = cluster.FirstEvent(e => e is ClusterEvent.UnreachableMember u && u.Member.Node == victim, killedAt, observer)!;
            var downed = cluster.FirstEvent(e => e is ClusterEvent.MemberDowned d && d.Member.Node == victim, killedAt, observer)!;
            var removed = cluster.FirstEvent(e => e is ClusterEvent.MemberRemoved r && r.Member.Node == victim, killedAt, observer)!;
            cluster.Note($"{observer.Id}: unreachable after {(unreachable.At - killedAt).TotalMilliseconds:0} ms (goal {timings.DetectionGoal.TotalMilliseconds:0}), downed after {(downed.At - killedAt).TotalMilliseconds:0} ms, removed after {(removed.At - killedAt).TotalMilliseconds:0} ms");
            Assert.True(unreachable.At < downed.At && downed.At <= removed.At, "unreachable, then downed, then removed");
            Assert.True(unreachable.At - killedAt <= timings.DetectionBound, $"{observer.Id} saw the crash as unreachable after {unreachable.At - killedAt}");
        }

        var firstUnreachable = cluster.FirstEvent(e => e is ClusterEvent.UnreachableMember u && u.Member.Node == victim, killedAt)!.At;
        var firstDowned = cluster.FirstEvent(e => e is ClusterEvent.MemberDowned d && d.Member.Node == victim, killedAt)!.At;
        Assert.True(firstDowned - firstUnreachable >= timings.StableAfter - TimeSpan.FromMilliseconds(50), $"downed {firstDowned - firstUnreachable} after the first unreachable event; stable-after is {timings.StableAfter}");
        Assert.DoesNotContain(cluster.Timeline, e => e.At >= killedAt && e.Event is ClusterEvent.LeaderChanged && e.Node != n3.Id);
        Assert.Equal(leader, n2.Cluster.Leader);
        Assert.Equal(epoch, n2.Cluster.LeaderEpoch);
        Assert.Equal(leader, n1.Cluster.Leader);
        cluster.AssertAtMostOneLeaderPerEpoch();
    }

    [Fact]
    public async Task A_crashed_leader_is_replaced_by_the_next_oldest_in_a_higher_epoch()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3, output: output);
        await cluster.AwaitConvergenceAsync();
        var timings = new ClusterTimings(cluster);
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);
        Assert.Equal(n1.SelfNode, n1.Cluster.Leader);
        var oldEpoch = n1.Cluster.LeaderEpoch;

        var killedAt = cluster.Elapsed;
        await cluster.KillAsync(n1);
        var newLeader = await cluster.AwaitLeaderAgreedAsync([n2, n3], timings.FailoverBound, otherThan: n1.SelfNode);
        var agreedAfter = cluster.Elapsed - killedAt;

        cluster.Note($"new leader {newLeader} agreed by all {agreedAfter.TotalMilliseconds:0} ms after the leader crashed (goal 5000 ms)");
        Assert.Equal(n2.SelfNode, newLeader);
        Assert.True(n2.Cluster.LeaderEpoch > oldEpoch);
        Assert.Equal(n2.Cluster.LeaderEpoch, n3.Cluster.LeaderEpoch);
        await cluster.AwaitRemovedAsync(n1, [n2, n3]);
        Assert.Equal(newLeader, n3.Cluster.Leader);
        cluster.AssertAtMostOneLeaderPerEpoch();
    }

    [Fact]
    public async Task A_restarted_process_joins_again_as_a_new_incarnation_on_its_data_dir()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3, output: output);
        await cluster.AwaitConvergenceAsync();
        var n3 = cluster["n3"];
        var first = n3.SelfNode;
        var epoch = n3.Node.DataEpoch;

        // Restarted at once: the cluster still has the old incarnation, which the new one's join
        // gets downed and removed before it is let in.
        await cluster.RestartAsync(n3);
        await cluster.AwaitConvergenceAsync();

        Assert.NotEqual(first, n3.SelfNode);
        Assert.Equal(first.Id, n3.SelfNode.Id);
        Assert.Equal(epoch, n3.Node.DataEpoch);
        Assert.All(cluster.Nodes, n => Assert.Null(n.Cluster.State.MemberOf(first)));
        Assert.All(cluster.Nodes, n => Assert.Equal(MemberStatus.Up, n.Cluster.State.MemberOf(n3.SelfNode)!.Status));
        cluster.AssertAtMostOneLeaderPerEpoch();
    }
}

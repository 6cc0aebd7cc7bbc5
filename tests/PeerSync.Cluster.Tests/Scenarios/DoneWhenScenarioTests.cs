using PeerSync.Cluster.Tests.Simulation;
using Xunit.Abstractions;

namespace PeerSync.Cluster.Tests.Scenarios;

/// <summary>
/// The done-when scenarios on a simulated cluster with default settings. Timing assertions
/// are in virtual time; the simulation checks after every step that no two nodes lead the same
/// epoch and that no singleton starts while another node still holds a lease.
/// </summary>
public sealed class DoneWhenScenarioTests(ITestOutputHelper output)
{
    private const long HeartbeatMs = 500;
    private const long AcceptablePauseMs = 1500;

    private SimCluster Formed(int size, ulong seed = 7)
    {
        var sim = new SimCluster(seed, size);
        sim.StartAll();
        Assert.True(sim.RunUntil(() => sim.IsConverged(size), 30_000), sim.ConvergenceProblem(size));
        sim.RunFor(2_000);
        return sim;
    }

    private void Dump(SimCluster sim) => output.WriteLine(sim.Transcript());

    [Fact]
    public void Follower_crash_is_unreachable_everywhere_then_downed_and_removed_while_leader_stays()
    {
        var sim = Formed(5);
        var leaderBefore = sim.AgreedLeader();
        var epochBefore = sim.Node("n1").Machine!.CurrentState.LeaderEpoch;
        var victim = sim.Node("n4");
        var crashAt = sim.NowMs;
        sim.Crash(victim);
        sim.RunFor(20_000);
        Dump(sim);

        foreach (var node in sim.Nodes.Where(n => n != victim))
        {
            var unreachable = sim.FirstEvent(node, "UnreachableMember n4#1", crashAt);
            Assert.NotNull(unreachable);
            Assert.True(unreachable - crashAt <= HeartbeatMs + AcceptablePauseMs + 1_000, $"{node.Id} saw n4 unreachable after {unreachable - crashAt} ms");
            var downed = sim.FirstEvent(node, "MemberDowned n4#1", crashAt);
            Assert.NotNull(downed);
            Assert.True(downed - crashAt >= 5_000, "downed before stable-after elapsed");
            Assert.NotNull(sim.FirstEvent(node, "MemberRemoved n4#1", crashAt));
            Assert.Null(sim.FirstEvent(node, "LeaderChanged", crashAt));
            Assert.Equal(leaderBefore, node.Machine!.CurrentState.Leader);
            Assert.Equal(epochBefore, node.Machine.CurrentState.LeaderEpoch);
        }
    }

    [Fact]
    public void Leader_crash_elects_the_next_oldest_with_a_higher_epoch_within_five_seconds()
    {
        var sim = Formed(5);
        var oldEpoch = sim.Node("n2").Machine!.CurrentState.LeaderEpoch;
        var crashAt = sim.NowMs;
        sim.Crash(sim.Node("n1"));
        var agreed = sim.RunUntil(() => sim.AgreedLeader() == sim.Node("n2").Current, 10_000);
        var agreedAt = sim.NowMs;
        sim.RunFor(20_000);
        Dump(sim);

        Assert.True(agreed, "no agreement on n2 as leader");
        Assert.True(agreedAt - crashAt <= 5_000, $"new leader agreed {agreedAt - crashAt} ms after the crash");
        Assert.True(sim.Node("n2").Machine!.CurrentState.LeaderEpoch > oldEpoch);
        Assert.True(sim.IsConverged(4), sim.ConvergenceProblem(4));
    }

    [Theory]
    [InlineData("n3", 1_400)]
    [InlineData("n3", 1_500)]
    [InlineData("n1", 1_500)]
    public void Pause_shorter_than_the_acceptable_pause_causes_no_unreachable_event(string paused, long pauseMs)
    {
        var sim = Formed(5);
        var leader = sim.AgreedLeader();
        var from = sim.NowMs;
        sim.Pause(sim.Node(paused), pauseMs);
        sim.RunFor(15_000);
        Dump(sim);

        foreach (var node in sim.Nodes)
        {
            Assert.Null(sim.FirstEvent(node, "UnreachableMember", from));
            Assert.Null(sim.FirstEvent(node, "LeaderChanged", from));
        }

        Assert.Equal(leader, sim.AgreedLeader());
        Assert.True(sim.IsConverged(5), sim.ConvergenceProblem(5));
    }

    [Fact]
    public void Long_pause_gets_the_node_downed_and_on_waking_it_learns_it_and_stops()
    {
        var sim = Formed(5);
        var sleeper = sim.Node("n3");
        sim.Pause(sleeper, 20_000);
        sim.RunFor(19_000);
        foreach (var node in sim.Nodes.Where(n => n != sleeper))
        {
            Assert.NotNull(sim.FirstEvent(node, "MemberDowned n3#1"));
        }

        sim.RunFor(5_000);
        Dump(sim);
        Assert.Equal(ClusterPhase.Stopped, sleeper.Machine!.Phase);
        Assert.Contains(sim.Records, r => r.Node == sleeper.Id && r.Kind == "stop");
        Assert.True(sim.IsConverged(4), sim.ConvergenceProblem(4));
    }

    [Theory]
    [InlineData(new[] { "n1", "n2", "n3" }, new[] { "n4", "n5" })]
    [InlineData(new[] { "n3", "n4", "n5" }, new[] { "n1", "n2" })]
    public void Partition_3_2_the_minority_downs_itself_and_rejoins_as_new_incarnations_after_heal(string[] majority, string[] minority)
    {
        var sim = Formed(5);
        var big = majority.Select(sim.Node).ToList();
        var small = minority.Select(sim.Node).ToList();
        var splitAt = sim.NowMs;
        sim.Partition(big, small);
        sim.RunFor(20_000);

        foreach (var node in small)
        {
            Assert.Equal(ClusterPhase.Stopped, node.Machine!.Phase);
            Assert.Contains("keep-majority", node.Machine.StopReason, StringComparison.Ordinal);
        }

        var leader = sim.AgreedLeader();
        Assert.NotNull(leader);
        Assert.Contains(big, n => n.Current == leader);
        Assert.True(sim.IsConverged(3), sim.ConvergenceProblem(3));

        sim.HealAndConverge();
        Dump(sim);
        foreach (var node in small)
        {
            Assert.Equal(2UL, node.Current!.Value.Incarnation.Value);
        }
    }

    [Fact]
    public void Graceful_leave_of_the_leader_hands_over_without_overlap_and_with_a_short_gap()
    {
        var sim = Formed(5);
        var leader = sim.Node("n1");
        sim.Input(leader, new ClusterInput.Leave(null));
        sim.RunFor(10_000);
        Dump(sim);

        var stop = sim.Records.First(r => r.Node == leader.Id && r.Kind == "singleton" && r.Text.StartsWith("stop", StringComparison.Ordinal));
        var run = sim.Records.First(r => r.Kind == "singleton" && r.AtMs >= stop.AtMs && r.Text.StartsWith("run", StringComparison.Ordinal));
        Assert.Equal("n2", run.Node.Value);
        Assert.True(run.AtMs - stop.AtMs < 2_000, $"handover gap {run.AtMs - stop.AtMs} ms");
        Assert.Equal(ClusterPhase.Stopped, leader.Machine!.Phase);
        Assert.True(sim.IsConverged(4), sim.ConvergenceProblem(4));
    }

    /// <summary>
    /// A follower that pauses after it saw the crashed leader unreachable must not, on waking, see
    /// that leader reachable again (the self-pause guard re-arms only the members it had not accused),
    /// or it would hand leadership back to a dead node. Found on loopback TCP under load.
    /// </summary>
    [Fact]
    public void A_pause_after_a_crash_was_detected_does_not_make_the_crashed_member_reachable_again()
    {
        var sim = Formed(3);
        var crashAt = sim.NowMs;
        sim.Crash(sim.Node("n1"));
        var n2 = sim.Node("n2");
        Assert.True(sim.RunUntil(() => sim.FirstEvent(n2, "LeaderChanged n2#1", crashAt) is not null, 10_000), "n2 took over");
        var tookOverAt = sim.NowMs;

        sim.Pause(n2, 900);
        sim.RunFor(10_000);
        Dump(sim);

        Assert.Null(sim.FirstEvent(n2, "ReachableMember n1#1", crashAt));
        Assert.DoesNotContain(sim.Records, r => r.AtMs >= tookOverAt && r.Node == n2.Id && r.Text.Contains("handed epoch", StringComparison.Ordinal));
        Assert.Null(sim.FirstEvent(sim.Node("n3"), "LeaderChanged none", tookOverAt));
        Assert.True(sim.IsConverged(2), sim.ConvergenceProblem(2));
    }

    /// <summary>
    /// A slow singleton stop must not let the leaving leader be removed (and quarantined) before it
    /// hands over: it stays Leaving until it has resigned, so the successor starts at once instead of
    /// waiting out the lease.
    /// </summary>
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(4UL)]
    [InlineData(5UL)]
    public void A_leaving_leader_stays_Leaving_until_it_handed_over_even_when_its_singleton_stops_slowly(ulong seed)
    {
        var sim = new SimCluster(seed, 3, new SimOptions { MaxSingletonStopDelayMs = 400 });
        sim.StartAll();
        Assert.True(sim.RunUntil(() => sim.IsConverged(3), 30_000), sim.ConvergenceProblem(3));
        var leader = sim.Node("n1");
        var self = leader.Current!.Value;
        var leftAt = sim.NowMs;
        sim.Input(leader, new ClusterInput.Leave(null));
        sim.RunFor(10_000);
        Dump(sim);

        var handedOver = sim.Records.First(r => r.AtMs >= leftAt && r.Node == leader.Id && r.Text.Contains("handed epoch", StringComparison.Ordinal));
        var exiting = sim.Records.First(r => r.AtMs >= leftAt && r.Text.Contains($"moved {self} from Leaving to Exiting", StringComparison.Ordinal));
        var run = sim.Records.First(r => r.AtMs >= leftAt && r.Kind == "singleton" && r.Text.StartsWith("run", StringComparison.Ordinal));
        Assert.True(exiting.AtMs >= handedOver.AtMs, $"n1 went Exiting at {exiting.AtMs} ms, before it handed over at {handedOver.AtMs} ms");
        Assert.Equal("n2", run.Node.Value);
        Assert.True(run.AtMs - handedOver.AtMs < sim.Config.LeaseMs, $"the successor ran {run.AtMs - handedOver.AtMs} ms after the handover: it waited for the lease");
    }

    [Fact]
    public void With_downing_off_a_crashed_member_stays_unreachable_until_the_operator_downs_it()
    {
        var options = new SimOptions { Config = SimCluster.DefaultConfig() with { DowningStrategy = PeerSync.Cluster.Downing.DowningStrategy.Off } };
        var sim = new SimCluster(3, 3, options);
        sim.StartAll();
        Assert.True(sim.RunUntil(() => sim.IsConverged(3), 30_000), sim.ConvergenceProblem(3));
        sim.Crash(sim.Node("n3"));
        sim.RunFor(30_000);
        Assert.Null(sim.FirstEvent(sim.Node("n1"), "MemberDowned"));
        Assert.NotNull(sim.FirstEvent(sim.Node("n1"), "UnreachableMember n3#1"));
        sim.Input(sim.Node("n1"), new ClusterInput.Down(Remote.Addressing.NodeId.Parse("n3")));
        sim.RunFor(2_000);
        Dump(sim);
        Assert.True(sim.IsConverged(2), sim.ConvergenceProblem(2));
    }
}

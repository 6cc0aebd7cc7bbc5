using PeerSync.Cluster.Tests.Simulation;
using Xunit.Abstractions;

namespace PeerSync.Cluster.Tests.Scenarios;

/// <summary>
/// A crash that the survivors detect seconds apart. An overloaded survivor that is stepped late
/// re-arms its failure detectors (failure-detector.md, "Own pause"), so under CPU load its own row
/// can accuse the crashed member seconds after the first survivor's row did, while its view (and
/// the UnreachableMember event) already shows the member unreachable from that first row. Downing
/// must go by the first detection, as a simultaneous one: the crashed member is downed about
/// `stable-after` after the first survivor accuses it, and no survivor downs itself
/// (docs/design/downing.md, "Deaf nodes"). Reading the first accusation as a broken link in both
/// directions had put the first detector on no side until the lagging row arrived: the downing
/// came `stable-after` after the last detection, and when the crashed member was the oldest and the
/// lag exceeded `stable-after`, the first detector downed itself as the younger end of the link.
/// </summary>
public sealed class StaggeredDetectionScenarioTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("n3", "n2", 2)]
    [InlineData("n3", "n2", 5)]
    [InlineData("n1", "n3", 2)]
    [InlineData("n1", "n3", 5)]
    public void A_crashed_member_is_downed_stable_after_the_first_detection_when_a_survivor_detects_late(string victimId, string laggardId, int pauses)
    {
        var sim = new SimCluster(7, 3);
        sim.StartAll();
        Assert.True(sim.RunUntil(() => sim.IsConverged(3), 30_000), sim.ConvergenceProblem(3));
        sim.RunFor(2_000);
        var victim = sim.Node(victimId);
        var laggard = sim.Node(laggardId);
        var survivors = sim.Nodes.Where(n => n != victim).ToList();
        var crashed = SimCluster.Format(victim.Current!.Value);

        var crashedAt = sim.NowMs;
        sim.Crash(victim);
        // Pauses of 1 s (the others accept up to 1.5 s of silence) every 1.5 s: each one re-arms the
        // laggard's detector of the crashed member before it can fire, so its own row accuses it
        // about 1.5 s later per pause than the other survivor's.
        for (var i = 0; i < pauses; i++)
        {
            sim.At(crashedAt + 1_000 + (i * 1_500), "pause", () => sim.Pause(laggard, 1_000));
        }

        sim.RunFor(30_000);
        output.WriteLine(sim.Transcript(r => r.Kind is not "send"));

        foreach (var node in survivors)
        {
            Assert.True(node.Machine!.Phase == ClusterPhase.Member, $"{node.Id} stopped: {node.Machine.StopReason}");
        }

        var firstUnreachable = survivors.Select(n => sim.FirstEvent(n, "UnreachableMember " + crashed, crashedAt)).Min();
        var firstDowned = survivors.Select(n => sim.FirstEvent(n, "MemberDowned " + crashed, crashedAt)).Min();
        Assert.NotNull(firstUnreachable);
        Assert.NotNull(firstDowned);
        var stableAfterMs = sim.Config.StableAfterMs;
        Assert.True(
            firstDowned - firstUnreachable <= stableAfterMs + 1_000,
            $"{crashed} was downed {firstDowned - firstUnreachable} ms after the first survivor saw it unreachable; stable-after is {stableAfterMs} ms");
        Assert.True(sim.IsConverged(2), sim.ConvergenceProblem(2));
    }

    [Fact]
    public void A_partition_is_decided_stable_after_the_first_detection_when_the_bigger_side_detects_late()
    {
        // {n1, n2, n3} | {n4, n5} with n2 and n3 stepped late: n1's row accuses n4 and n5 seconds
        // before theirs. Read both ways, n1 looked deaf to n4 and n5 (the one member on both broken
        // links) and downed itself, and the two left could not keep 2 of 5.
        var sim = new SimCluster(7, 5);
        sim.StartAll();
        Assert.True(sim.RunUntil(() => sim.IsConverged(5), 30_000), sim.ConvergenceProblem(5));
        sim.RunFor(2_000);
        var big = new[] { sim.Node("n1"), sim.Node("n2"), sim.Node("n3") };
        var small = new[] { sim.Node("n4"), sim.Node("n5") };
        var cutAt = sim.NowMs;
        sim.Partition(big, small);
        for (var i = 0; i < 5; i++)
        {
            foreach (var laggard in big.Skip(1))
            {
                sim.At(cutAt + 1_000 + (i * 1_500), "pause", () => sim.Pause(laggard, 1_000));
            }
        }

        sim.RunFor(30_000);
        output.WriteLine(sim.Transcript(r => r.Kind is not "send"));

        foreach (var node in big)
        {
            Assert.True(node.Machine!.Phase == ClusterPhase.Member, $"{node.Id} stopped: {node.Machine.StopReason}");
        }

        foreach (var node in small)
        {
            Assert.Equal(ClusterPhase.Stopped, node.Machine!.Phase);
        }

        var firstUnreachable = big.Select(n => sim.FirstEvent(n, "UnreachableMember n4", cutAt)).Min();
        var firstDowned = big.Select(n => sim.FirstEvent(n, "MemberDowned n4", cutAt)).Min();
        Assert.NotNull(firstUnreachable);
        Assert.NotNull(firstDowned);
        Assert.True(
            firstDowned - firstUnreachable <= sim.Config.StableAfterMs + 1_000,
            $"n4 was downed {firstDowned - firstUnreachable} ms after the bigger side first saw it unreachable");
        Assert.True(sim.IsConverged(3), sim.ConvergenceProblem(3));
    }
}

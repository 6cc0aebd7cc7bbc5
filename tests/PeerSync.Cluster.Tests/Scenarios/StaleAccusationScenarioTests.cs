using PeerSync.Cluster.Tests.Simulation;
using Xunit.Abstractions;

namespace PeerSync.Cluster.Tests.Scenarios;

/// <summary>
/// A partition that freezes accusations made just before it: the side that made them cannot retract
/// them, and the other side holds them until it downs their authors (docs/design/downing.md,
/// "Stale testimony"). Reproduces the multi-node flake of PartitionTests, where the 3-side downed
/// itself with "this side has 0 of 5 members".
/// </summary>
public sealed class StaleAccusationScenarioTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_majority_accused_by_the_minority_just_before_the_cut_keeps_elects_and_downs_the_minority(int laggingCount)
    {
        var sim = new SimCluster(7, 5);
        sim.StartAll();
        Assert.True(sim.RunUntil(() => sim.IsConverged(5), 30_000), sim.ConvergenceProblem(5));
        sim.RunFor(2_000);
        var small = new[] { sim.Node("n1"), sim.Node("n2") };
        var big = new[] { sim.Node("n3"), sim.Node("n4"), sim.Node("n5") };

        // Heartbeats into the lagging nodes arrive 3 s late (a starved reader, a congested inbound
        // path): they see everyone unreachable and push that row to everyone, then the cut comes
        // before the late heartbeats can make them retract it.
        var laggards = small.Take(laggingCount).ToList();
        foreach (var laggard in laggards)
        {
            foreach (var other in sim.Nodes.Where(n => n != laggard))
            {
                sim.SlowLink(other, laggard, 3_000);
            }
        }

        Assert.True(
            sim.RunUntil(() => big.All(b => laggards.All(l => b.Machine!.View.Unreachable.Contains(b.Current!.Value))), 10_000),
            "the lagging nodes' accusations did not reach the big side");
        sim.RunFor(50);
        sim.Partition(small, big);
        sim.RunFor(20_000);
        output.WriteLine(sim.Transcript(r => r.Kind is not ("send" or "event")));

        foreach (var node in big)
        {
            Assert.True(node.Machine!.Phase == ClusterPhase.Member, $"{node.Id} stopped: {node.Machine.StopReason}");
        }

        foreach (var node in small)
        {
            Assert.Equal(ClusterPhase.Stopped, node.Machine!.Phase);
            Assert.Contains("keep-majority", node.Machine.StopReason, StringComparison.Ordinal);
        }

        Assert.Contains(big, n => n.Current == sim.AgreedLeader());
        Assert.True(sim.IsConverged(3), sim.ConvergenceProblem(3));
    }
}

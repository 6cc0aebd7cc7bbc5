using PeerSync.Cluster.Tests.Simulation;
using Xunit.Abstractions;

namespace PeerSync.Cluster.Tests.Scenarios;

public sealed class FormationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void Cluster_agrees_on_members_and_leader_when_nodes_start_together(int size)
    {
        var sim = new SimCluster(seed: 1, size);
        sim.StartAll();
        var converged = sim.RunUntil(() => sim.IsConverged(size), 30_000);
        output.WriteLine(sim.Transcript());
        Assert.True(converged, sim.ConvergenceProblem(size));
        Assert.Equal(sim.Node("n1").Current, sim.AgreedLeader());
    }
}

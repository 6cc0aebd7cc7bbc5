using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Tests.Simulation;
using Xunit.Abstractions;

namespace PeerSync.Cluster.Tests.Scenarios;

/// <summary>
/// A deaf node: all traffic into it is lost while everything it sends still arrives (a firewall
/// rule, a broken NIC queue, a starved reader). With push heartbeats it accuses every member and
/// nobody accuses it (docs/design/downing.md, "Deaf nodes"). Before downing read rows as broken
/// links, each healthy node found itself accused by a credible observer and downed itself (seed 7:
/// n2 and n3 stopped; seed 8: n1, n3 and n4), as "this side has 1 of 5 members".
/// </summary>
public sealed class DeafNodeScenarioTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(7, false)]
    [InlineData(8, false)]
    [InlineData(9, false)]
    [InlineData(10, false)]
    [InlineData(11, false)]
    [InlineData(7, true)]
    [InlineData(8, true)]
    [InlineData(9, true)]
    public void The_healthy_nodes_keep_and_elect_among_themselves_and_the_deaf_node_is_downed(int seed, bool deafIsLeader)
    {
        var sim = new SimCluster((ulong)seed, 5);
        sim.StartAll();
        Assert.True(sim.RunUntil(() => sim.IsConverged(5), 30_000), sim.ConvergenceProblem(5));
        sim.RunFor(2_000);
        var deaf = deafIsLeader ? sim.Nodes.Single(n => n.Current == sim.AgreedLeader()) : sim.Node("n3");
        var healthy = sim.Nodes.Where(n => n != deaf).ToList();
        foreach (var other in healthy)
        {
            sim.BlockOneWay(other, deaf);
        }

        sim.RunFor(30_000);
        output.WriteLine(sim.Transcript(r => r.Kind is not ("send" or "event")));

        foreach (var node in healthy)
        {
            Assert.True(node.Machine!.Phase == ClusterPhase.Member, $"{node.Id} stopped: {node.Machine.StopReason}");
        }

        Assert.Equal(ClusterPhase.Stopped, deaf.Machine!.Phase);
        foreach (var node in healthy)
        {
            var downed = node.Machine!.CurrentState.Members.SingleOrDefault(m => m.Node == deaf.Current);
            Assert.True(downed is null || downed.Status == MemberStatus.Down, $"{node.Id} sees {deaf.Id} as {downed?.Status}");
        }

        var leaders = healthy.Select(n => (n.Machine!.CurrentState.Leader, n.Machine.CurrentState.LeaderEpoch)).Distinct().ToList();
        Assert.Single(leaders);
        Assert.Contains(healthy, n => n.Current == leaders[0].Leader);
    }
}

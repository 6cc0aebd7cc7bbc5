using PeerSync.Cluster.Membership;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;

namespace PeerSync.MultiNode.Tests;

/// <summary>Clusters of real nodes on loopback TCP form and agree.</summary>
public sealed class FormationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Nodes_form_a_cluster_and_all_agree_on_the_members_and_the_leader(int size)
    {
        await using var cluster = await MultiNodeCluster.StartAsync(size, output: output);

        var formed = await cluster.AwaitConvergenceAsync();

        cluster.Note($"{size} nodes converged {formed.TotalMilliseconds:0} ms after start");
        var leader = cluster.Nodes[0].Cluster.Leader;
        Assert.Equal(cluster["n1"].SelfNode, leader);
        var expected = cluster.Nodes.Select(n => n.SelfNode).OrderBy(n => n.ToString()).ToList();
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(expected, node.Cluster.State.Members.Select(m => m.Node).OrderBy(n => n.ToString()).ToList());
            Assert.All(node.Cluster.State.Members, m => Assert.Equal(MemberStatus.Up, m.Status));
            Assert.Equal(leader, node.Cluster.Leader);
            Assert.Equal(cluster.Nodes[0].Cluster.LeaderEpoch, node.Cluster.LeaderEpoch);
        }

        cluster.AssertAtMostOneLeaderPerEpoch();
    }
}

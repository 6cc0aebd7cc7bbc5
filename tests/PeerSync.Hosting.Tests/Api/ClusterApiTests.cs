using PeerSync.Hosting.Api;
using PeerSync.Hosting.Api.Node;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;

namespace PeerSync.Hosting.Tests.Api;

/// <summary>The cluster facade over real nodes on loopback TCP.</summary>
[Collection(RealNodes.Collection)]
public sealed class ClusterApiTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task State_lists_every_member_up_with_the_agreed_leader()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3, output: output);
        await cluster.AwaitConvergenceAsync();
        var n1 = cluster["n1"];
        var api = new ClusterApi(n1.Cluster, "leader", TimeProvider.System);

        var state = api.State();

        Assert.Equal("n1", state.Self);
        Assert.Equal("n1", state.Leader);
        Assert.Equal(n1.Cluster.LeaderEpoch.Value, state.Epoch);
        Assert.Equal("leader", state.Mode);
        Assert.Equal(["n1", "n2", "n3"], state.Members.Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.All(state.Members, m => Assert.Equal("Up", m.Status));
        Assert.All(state.Members, m => Assert.True(m.Reachable));
        var self = state.Members.Single(m => m.Id == "n1");
        Assert.Equal(n1.Address.ToString(), self.Address);
        Assert.Equal(n1.SelfNode.Incarnation.ToString(), self.Incarnation);
    }

    [Fact]
    public async Task EventsAsync_gives_a_snapshot_first_then_the_events_of_a_graceful_leave()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3, output: output);
        await cluster.AwaitConvergenceAsync();
        var api = new ClusterApi(cluster["n1"].Cluster, "leader", TimeProvider.System);
        using var timeout = new CancellationTokenSource(Bound);
        await using var events = api.EventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        Assert.True(await events.MoveNextAsync());
        var snapshot = events.Current;
        var leave = await api.LeaveAsync("n3", CancellationToken.None);
        var seen = new List<string>();
        while (await events.MoveNextAsync())
        {
            var change = events.Current;
            if (change.Member?.Id == "n3")
            {
                seen.Add(change.Type);
                if (change.Type == "MemberRemoved")
                {
                    break;
                }
            }
        }

        Assert.Equal("snapshot", snapshot.Type);
        Assert.Equal(3, snapshot.Snapshot!.Members.Count);
        Assert.Equal(new MemberCommandView("n3", "Leaving"), leave);
        // Reachability is not part of a leave: a stall of the machine can let the failure detector
        // report n3 unreachable (and reachable again) at any point, so only membership events count.
        var membership = seen.Where(type => type is not ("UnreachableMember" or "ReachableMember")).ToList();
        Assert.True(membership is ["MemberLeft", .., "MemberRemoved"], $"n3's events: {string.Join(", ", seen)}");
    }

    [Fact]
    public async Task DownAsync_marks_a_crashed_member_down_and_it_is_removed()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3, output: output);
        await cluster.AwaitConvergenceAsync();
        var api = new ClusterApi(cluster["n1"].Cluster, "leader", TimeProvider.System);
        await cluster.KillAsync(cluster["n3"]);

        var down = await api.DownAsync("n3", CancellationToken.None);
        await cluster.AwaitRemovedAsync(cluster["n3"], [cluster["n1"], cluster["n2"]]);

        Assert.Equal(new MemberCommandView("n3", "Down"), down);
    }

    [Theory]
    [InlineData("n9")]
    [InlineData("not a node id!")]
    public async Task Commands_throw_UnknownMemberException_when_the_member_is_not_in_the_cluster(string id)
    {
        await using var cluster = await MultiNodeCluster.StartAsync(1, new MultiNodeOptions { SeedCount = 1 }, output);
        await cluster.AwaitConvergenceAsync();
        var api = new ClusterApi(cluster["n1"].Cluster, "leader", TimeProvider.System);

        var leave = await Assert.ThrowsAsync<UnknownMemberException>(() => api.LeaveAsync(id, CancellationToken.None));
        var down = await Assert.ThrowsAsync<UnknownMemberException>(() => api.DownAsync(id, CancellationToken.None));

        Assert.Equal(id, leave.NodeId);
        Assert.Equal(id, down.NodeId);
        Assert.Equal("Up", api.State().Members.Single().Status);
    }
}

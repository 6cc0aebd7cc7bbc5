using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Api.Node;
using PeerSync.Hosting.Logging;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;

namespace PeerSync.Hosting.Tests.Api;

/// <summary>The node facade over a real (single) node on loopback TCP.</summary>
[Collection(RealNodes.Collection)]
public sealed class NodeApiTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Health_is_ready_only_when_the_node_is_up_and_sync_is_ready()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(1, new MultiNodeOptions { SeedCount = 1 }, output);
        await cluster.AwaitConvergenceAsync();
        var sync = new SwitchableSync { State = "Backfilling" };
        var api = new NodeApi(cluster["n1"].Node, sync.Parts, recentLogs: null);

        var backfilling = api.Health();
        sync.Ready = true;
        var ready = api.Health();

        Assert.False(backfilling.Ready);
        Assert.Equal("sync is not ready (Backfilling)", backfilling.Reason);
        Assert.True(ready.Ready);
        Assert.Null(ready.Reason);
    }

    [Fact]
    public async Task Health_gives_the_sync_part_own_reason_when_it_has_one()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(1, new MultiNodeOptions { SeedCount = 1 }, output);
        await cluster.AwaitConvergenceAsync();
        var sync = new SwitchableSync { Reason = "the node is stopping" };

        var health = new NodeApi(cluster["n1"].Node, sync.Parts, recentLogs: null).Health();

        Assert.Equal(new Hosting.Api.HealthView(false, "the node is stopping"), health);
    }

    [Fact]
    public async Task Health_is_not_ready_with_the_reason_when_the_node_left_the_cluster()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(1, new MultiNodeOptions { SeedCount = 1 }, output);
        await cluster.AwaitConvergenceAsync();
        var node = cluster["n1"].Node;
        var api = new NodeApi(node, new SwitchableSync { Ready = true }.Parts, recentLogs: null);

        await api.Cluster.LeaveAsync(null, CancellationToken.None);
        await node.Cluster.WhenStopped.WaitAsync(TimeSpan.FromSeconds(30));

        var health = api.Health();
        Assert.False(health.Ready);
        Assert.StartsWith("the node is no longer a cluster member: ", health.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_describes_the_running_node()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(1, new MultiNodeOptions { SeedCount = 1 }, output);
        var node = cluster["n1"].Node;
        var api = new NodeApi(node, new SwitchableSync().Parts, recentLogs: null) { HttpAddress = "127.0.0.1:8053" };

        var info = api.Info;

        Assert.Equal("n1", info.Id);
        Assert.Equal(node.SelfNode.Incarnation.ToString(), info.Incarnation);
        Assert.Equal(node.Address.ToString(), info.Address);
        Assert.Equal("127.0.0.1:8053", info.Http);
        Assert.Equal("leader", info.Mode);
        Assert.Equal(node.DataDirectory, info.DataDir);
        Assert.Equal(node.Options.Persistence.Provider, info.Persistence);
        Assert.Matches(@"^\d+\.\d+\.\d+", info.Version);
        Assert.True(info.UptimeSeconds >= 0);
    }

    [Fact]
    public async Task Actors_shows_the_live_hierarchy_with_the_cluster_actor()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(1, new MultiNodeOptions { SeedCount = 1 }, output);
        await cluster.AwaitConvergenceAsync();  // the cluster actor has started its children by then
        var api = new NodeApi(cluster["n1"].Node, new SwitchableSync().Parts, recentLogs: null);

        var paths = api.Actors().DescendantsAndSelf().Select(a => a.Path).ToList();

        Assert.Contains("/system/cluster", paths);
        Assert.Contains("/system/cluster/singleton", paths);
    }

    [Fact]
    public async Task RecentLogs_reads_the_in_memory_buffer_of_the_node_logging()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(1, new MultiNodeOptions { SeedCount = 1 }, output);
        var recent = new RecentLogEvents(10);
        var started = DateTimeOffset.UnixEpoch;
        recent.Add(new RecentLogEntry(started, LogLevel.Debug, "c", "detail", null));
        recent.Add(new RecentLogEntry(started.AddSeconds(1), LogLevel.Information, "c", "member up", null));
        recent.Add(new RecentLogEntry(started.AddSeconds(2), LogLevel.Error, "c", "link failed", "System.IO.IOException: reset"));
        var api = new NodeApi(cluster["n1"].Node, new SwitchableSync().Parts, recent);

        var entries = api.RecentLogs(10, LogLevel.Information);
        var withoutBuffer = new NodeApi(cluster["n1"].Node, new SwitchableSync().Parts, recentLogs: null).RecentLogs(10, LogLevel.Trace);

        Assert.Equal(["member up", "link failed"], entries.Select(e => e.Message));
        Assert.Equal(["Information", "Error"], entries.Select(e => e.Level));
        Assert.Equal("System.IO.IOException: reset", entries[1].Exception);
        Assert.Empty(withoutBuffer);
    }
}

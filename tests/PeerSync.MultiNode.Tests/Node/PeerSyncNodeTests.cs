using Microsoft.Extensions.Logging;
using PeerSync.Cluster.Host;
using PeerSync.Cluster.Membership;
using PeerSync.Hosting.Node;
using PeerSync.Hosting.Options;
using PeerSync.Remote.Transport.InMemory;
using PeerSync.TestKit;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;

namespace PeerSync.MultiNode.Tests.Node;

/// <summary>One node composed from its options: start order, stop order, graceful and abrupt ends.</summary>
public sealed class PeerSyncNodeTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "peersync-node-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly LogCapture _logs = new(output);
    private readonly ILoggerFactory _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug));

    [Fact]
    public async Task PeerSyncNode_starts_alone_as_its_own_seed_and_leads_then_stops_gracefully_in_reverse_order()
    {
        var steps = new List<string>();
        var options = Options();
        await using var node = await PeerSyncNode.StartAsync(options, Services(new Recorder("persistence", steps), new Recorder("sync", steps)));

        await node.Cluster.WhenUp.WaitAsync(TimeSpan.FromSeconds(30));
        await WaitAsync(() => node.Cluster.IsLeader);
        Assert.Equal("peersync", node.System.Name);
        Assert.Equal(options.Node.DataDir, node.DataDirectory);
        Assert.Equal(DataEpochFile.LoadOrCreate(options.Node.DataDir), node.DataEpoch);
        Assert.Equal(["start persistence (cluster Idle, joined False)", "start sync (cluster Idle, joined False)"], steps);

        await node.StopAsync();

        Assert.Equal(["stop sync Graceful (still a member True)", "stop persistence Graceful (still a member True)"], steps.Skip(2));
        Assert.True(node.System.IsTerminated);
        Assert.True(node.Cluster.IsStopped);
        Assert.Contains("removed", node.Cluster.StopReason, StringComparison.Ordinal);
        Assert.Contains(_logs.Entries, e => e.Message.Contains("left the cluster", StringComparison.Ordinal));
        await node.StopAsync();
    }

    [Fact]
    public async Task PeerSyncNode_kill_ends_without_leaving_and_stops_components_abruptly()
    {
        var steps = new List<string>();
        var node = await PeerSyncNode.StartAsync(Options(), Services(new Recorder("sync", steps)));
        await node.Cluster.WhenUp.WaitAsync(TimeSpan.FromSeconds(30));

        await node.KillAsync();

        Assert.True(node.System.IsTerminated);
        Assert.Equal("the actor system terminated", node.Cluster.StopReason);
        Assert.Equal("stop sync Abrupt (still a member False)", steps[^1]);
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("is leaving", StringComparison.Ordinal));
        await node.StopAsync();
    }

    [Fact]
    public async Task PeerSyncNode_that_fails_to_start_a_component_stops_what_started_and_rethrows()
    {
        var steps = new List<string>();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            PeerSyncNode.StartAsync(Options(), Services(new Recorder("persistence", steps), new Recorder("sync", steps, failStart: true))));

        Assert.Equal("sync cannot start", error.Message);
        Assert.Equal(["start persistence (cluster Idle, joined False)", "start sync (cluster Idle, joined False)", "stop persistence Abrupt (still a member False)"], steps);
    }

    [Fact]
    public async Task PeerSyncNode_refuses_invalid_options_listing_every_problem()
    {
        var options = Options();
        options.Node.Id = "";
        options.Remote.Secret = "short";

        var error = await Assert.ThrowsAsync<PeerSyncOptionsException>(() => PeerSyncNode.StartAsync(options, Services()));

        Assert.Contains(error.Problems, p => p.StartsWith("peersync.node.id", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("peersync.remote.secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PeerSyncNode_refuses_a_cluster_name_that_cannot_name_an_actor_system()
    {
        var options = Options();
        options.Cluster.Name = "bad.name";

        var error = await Assert.ThrowsAsync<PeerSyncOptionsException>(() => PeerSyncNode.StartAsync(options, Services()));

        Assert.StartsWith("peersync.cluster.name 'bad.name'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeerSyncNode_with_JoinOnStart_off_waits_for_an_explicit_join()
    {
        await using var node = await PeerSyncNode.StartAsync(Options(), Services() with { JoinOnStart = false });
        // The snapshot answers after the cluster actor handled everything sent at start; a join
        // sent then would already have formed this lone seed's cluster (it forms at once).
        var observer = new TestProbe(node.System, TestKitSettings.FromEnvironment(), "observer");
        node.Cluster.Subscribe(observer.Ref, InitialStateMode.AsSnapshot);
        Assert.Empty(observer.ExpectMsg<ClusterStateSnapshot>(timeout: TimeSpan.FromSeconds(10)).Members);
        Assert.Empty(node.Cluster.State.Members);

        node.Cluster.Join();

        await node.Cluster.WhenUp.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(MemberStatus.Up, node.Cluster.SelfMember!.Status);
    }

    public void Dispose()
    {
        _loggerFactory.Dispose();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1500 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition());
    }

    private PeerSyncOptions Options()
    {
        // One node, in memory, listing only itself as seed: it forms its own cluster at once.
        var options = new PeerSyncOptions();
        options.Node.Id = "solo";
        options.Node.DataDir = Path.Combine(_dir, "solo");
        options.Remote.Port = 4090;
        options.Remote.Secret = MultiNodeCluster.Secret;
        options.Cluster.SeedNodes = ["127.0.0.1:4090"];
        return options;
    }

    private PeerSyncNodeServices Services(params INodeComponent[] components)
    {
        _loggerFactory.AddProvider(_logs);
        var factory = _loggerFactory;
        var options = Options();
        return new PeerSyncNodeServices
        {
            LoggerFactory = factory,
            Transport = new InMemoryTransport(new InMemoryNetwork(), options.Remote.ToTransportSettings(), factory),
            Components = components,
        };
    }

    private sealed class Recorder(string name, List<string> steps, bool failStart = false) : INodeComponent
    {
        public string Name => name;

        public Task StartAsync(PeerSyncNode node, CancellationToken cancellationToken)
        {
            steps.Add($"start {name} (cluster {(node.Cluster.IsStopped ? "Stopped" : node.Cluster.SelfMember?.Status.ToString() ?? "Idle")}, joined {node.Cluster.SelfMember is not null})");
            return failStart ? throw new InvalidOperationException($"{name} cannot start") : Task.CompletedTask;
        }

        public Task StopAsync(PeerSyncNode node, NodeStopKind kind, CancellationToken cancellationToken)
        {
            steps.Add($"stop {name} {kind} (still a member {!node.Cluster.IsStopped})");
            return Task.CompletedTask;
        }
    }
}

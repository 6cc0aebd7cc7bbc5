using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PeerSync.Actors;
using PeerSync.Hosting.Api;
using PeerSync.Hosting.Configuration;
using PeerSync.Hosting.Options;
using PeerSync.Hosting.Tests.Api;
using PeerSync.Sync.Records;
using PeerSync.TestKit.MultiNode;

namespace PeerSync.Hosting.Tests.Builder;

/// <summary>AddPeerSync in a Generic Host: a real node on loopback that starts and stops with the host.</summary>
[Collection(RealNodes.Collection)]
public sealed class AddPeerSyncTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "peersync-hosting-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataRoot))
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
    }

    [Fact]
    public async Task Host_runs_the_node_with_the_application_actors_and_stops_it_gracefully()
    {
        var port = FreePorts.Reserve(1)[0];
        using var host = BuildHost(Settings("h1", port), peersync => peersync
            .WithClustering([$"127.0.0.1:{port}"])
            .WithCollection("locations", CollectionKind.Owned)
            .WithActors((system, registry) => registry.Register<Greeter>(system.ActorOf(Props.Create(() => new Greeter()), "greeter"))));

        await host.StartAsync().WaitAsync(Bound);
        var runtime = host.Services.GetRequiredService<PeerSyncRuntime>();
        var system = host.Services.GetRequiredService<ActorSystem>();
        await runtime.Node.Cluster.WhenUp.WaitAsync(Bound);
        var greeter = host.Services.GetRequiredService<ActorRegistry>().Get<Greeter>();
        var answer = await greeter.Ask<string>("h1", TimeSpan.FromSeconds(10));
        var cluster = host.Services.GetRequiredService<IPeerSyncApi>().Cluster.State();
        await host.StopAsync().WaitAsync(Bound);

        Assert.Equal("hello h1", answer);
        Assert.Equal("/user/greeter", greeter.Path.ToStringWithoutAddress());
        Assert.Same(runtime.System, system);
        Assert.Equal("h1", cluster.Self);
        Assert.Equal("Up", Assert.Single(cluster.Members).Status);
        Assert.Equal("owned", runtime.Node.Options.Sync.Collections["locations"].Kind);
        Assert.True(runtime.Node.WhenTerminated.IsCompleted, "the actor system terminated with the host");
        Assert.True(runtime.Node.Cluster.IsStopped, "the node left the cluster");
    }

    [Fact]
    public async Task Host_serves_records_through_IPeerSyncApi_once_the_node_is_ready()
    {
        var port = FreePorts.Reserve(1)[0];
        using var host = BuildHost(Settings("h1", port), peersync => peersync.WithClustering([$"127.0.0.1:{port}"]));
        await host.StartAsync().WaitAsync(Bound);
        var api = host.Services.GetRequiredService<IPeerSyncApi>();
        using var timeout = new CancellationTokenSource(Bound);
        while (!api.Health().Ready)
        {
            await Task.Delay(20, timeout.Token);
        }

        var put = await api.Records.PutAsync("tags", "k1", """{"color":"blue"}""", timeout.Token);
        var read = await api.Records.GetAsync("tags", "k1", timeout.Token);
        var status = api.Sync.Status();
        await host.StopAsync().WaitAsync(Bound);

        Assert.Equal("h1", put.Origin);
        Assert.Equal("""{"color":"blue"}""", read!.ValueJson);
        Assert.Equal("Ready", status.State);
    }

    [Fact]
    public async Task Host_start_fails_naming_every_bad_key_when_the_configuration_is_invalid()
    {
        var settings = Settings("h1", 4053);
        settings.Remove("peersync:remote:secret");
        settings["peersync:cluster:heartbeat-interval"] = "0s";
        using var host = BuildHost(settings);

        var error = await Assert.ThrowsAsync<PeerSyncOptionsException>(() => host.StartAsync().WaitAsync(Bound));

        Assert.Contains(error.Problems, p => p.StartsWith("peersync.remote.secret is not set", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("peersync.cluster.heartbeat-interval", StringComparison.Ordinal));
        var runtime = host.Services.GetRequiredService<PeerSyncRuntime>();
        Assert.False(runtime.IsStarted);
        Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<ActorSystem>());
    }

    [Fact]
    public async Task Host_reads_hocon_through_the_configuration_provider()
    {
        var port = FreePorts.Reserve(1)[0];
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddHoconString($$"""
            peersync {
              node { id = "hocon1", data-dir = "{{Path.Combine(_dataRoot, "hocon1").Replace("\\", "/", StringComparison.Ordinal)}}" }
              remote { port = {{port}}, secret = "hosting-test-secret-0123" }
              cluster.seed-nodes = ["127.0.0.1:{{port}}"]
            }
            """);
        builder.Services.AddPeerSync();
        using var host = builder.Build();

        await host.StartAsync().WaitAsync(Bound);
        var node = host.Services.GetRequiredService<PeerSyncRuntime>().Node;
        await node.Cluster.WhenUp.WaitAsync(Bound);
        await host.StopAsync().WaitAsync(Bound);

        Assert.Equal("hocon1", node.SelfNode.Id.Value);
        Assert.Equal(port, node.Address.Port);
    }

    [Fact]
    public async Task Failing_actor_starter_fails_the_start_and_stops_the_node()
    {
        var port = FreePorts.Reserve(1)[0];
        using var host = BuildHost(Settings("h1", port), peersync => peersync
            .WithClustering([$"127.0.0.1:{port}"])
            .WithActors((_, _) => throw new InvalidOperationException("the application's actors could not start")));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync().WaitAsync(Bound));

        Assert.Equal("the application's actors could not start", error.Message);
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        probe.Start();  // the node's remote port is free again
    }

    [Fact]
    public void AddPeerSync_twice_is_refused()
    {
        var services = new ServiceCollection();
        services.AddPeerSync();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddPeerSync());

        Assert.StartsWith("AddPeerSync was called twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registry_names_the_registered_keys_when_one_is_missing()
    {
        var registry = new ActorRegistry();

        var error = Assert.Throws<KeyNotFoundException>(() => registry.Get<Greeter>());

        Assert.Contains("no actor is registered under Greeter; registered: none", error.Message, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Settings(string id, int port) => new(StringComparer.Ordinal)
    {
        ["peersync:node:id"] = id,
        ["peersync:node:data-dir"] = Path.Combine(_dataRoot, id),
        ["peersync:remote:port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["peersync:remote:secret"] = "hosting-test-secret-0123",
        ["peersync:cluster:seed-nodes:0"] = $"127.0.0.1:{port}",
    };

    private static IHost BuildHost(Dictionary<string, string?> settings, Action<PeerSyncBuilder>? configure = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddPeerSync(configure);
        return builder.Build();
    }

    private sealed class Greeter : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is string name)
            {
                Sender.Tell($"hello {name}", Self);
            }
        }
    }
}

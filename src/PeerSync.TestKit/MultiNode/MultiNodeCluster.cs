using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Host;
using PeerSync.Cluster.Membership;
using PeerSync.Hosting.Node;
using PeerSync.Hosting.Options;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Transport;
using PeerSync.Remote.Transport.Faults;
using PeerSync.Remote.Transport.InMemory;
using PeerSync.Remote.Transport.Tcp;
using Xunit.Abstractions;

namespace PeerSync.TestKit.MultiNode;

/// <summary>
/// N in-process nodes (each a real <see cref="PeerSyncNode"/>: actor system, remoting, cluster) on
/// loopback TCP (or in-memory pipes), with the faults multi-node tests need: blackhole, reset,
/// refuse and heal links between chosen nodes, kill a node abruptly, pause it as a frozen process, restart it on its
/// data directory as a new incarnation, and await helpers that poll the nodes' cluster state
/// (docs/design/cluster-host.md, "Multi-node harness"). Disposing kills every node and deletes the
/// data directories, also when the test failed.
/// </summary>
public sealed partial class MultiNodeCluster : IAsyncDisposable
{
    /// <summary>The secret every harness node shares (a test value, never a real one).</summary>
    public const string Secret = "multi-node-test-secret-not-for-production";

    private readonly List<MultiNodeNode> _nodes = [];
    private readonly MultiNodeLogSink _sink;
    private readonly InMemoryNetwork _inMemory = new();
    private readonly string _root;
    private bool _disposed;

    private MultiNodeCluster(int nodeCount, MultiNodeOptions options, ITestOutputHelper? output)
    {
        Options = options;
        KitSettings = TestKitSettings.FromEnvironment();
        _sink = new MultiNodeLogSink(output, options.OutputLevel);
        Faults = new FaultInjector(options.FaultSeed);
        _root = Path.Combine(Path.GetTempPath(), "peersync-multinode-" + Guid.NewGuid().ToString("N")[..12]);
        var ports = options.Transport == MultiNodeTransport.Tcp
            ? FreePorts.Reserve(nodeCount)
            : Enumerable.Range(1, nodeCount).Select(i => 20_000 + i).ToList();
        var addresses = ports.Select(p => new EndpointAddress("127.0.0.1", p)).ToList();

        // Declared now, so faults can be set up before a node starts (or while it is down).
        addresses.ForEach(Faults.AddNode);
        var seeds = addresses.Take(Math.Clamp(options.SeedCount, 1, nodeCount)).Select(a => a.ToString()).ToList();
        for (var i = 1; i <= nodeCount; i++)
        {
            var nodeOptions = NodeOptions(i, addresses[i - 1], seeds);
            options.Configure?.Invoke(nodeOptions, i);
            var capture = new LogCapture();
            var id = nodeOptions.Node.Id;
            var loggerFactory = LoggerFactory.Create(b => b
                .AddProvider(new LevelFilteredProvider(capture, options.CaptureLevel))
                .AddProvider(_sink.For(id))
                .SetMinimumLevel(options.OutputLevel < options.CaptureLevel ? options.OutputLevel : options.CaptureLevel));
            _nodes.Add(new MultiNodeNode(i, nodeOptions, addresses[i - 1], loggerFactory, capture));
        }
    }

    public MultiNodeOptions Options { get; }

    public TestKitSettings KitSettings { get; }

    /// <summary>The link faults shared by every node (blackholes, delays, drops, refusals, resets), seeded by <see cref="MultiNodeOptions.FaultSeed"/>.</summary>
    public FaultInjector Faults { get; }

    public IReadOnlyList<MultiNodeNode> Nodes => _nodes;

    /// <summary>Time since the harness was created (the time column of the test output).</summary>
    public TimeSpan Elapsed => _sink.Elapsed;

    /// <summary>The node with id <paramref name="id"/> ("n1").</summary>
    public MultiNodeNode this[string id] => _nodes.SingleOrDefault(n => n.Id.Value == id)
        ?? throw new ArgumentException($"no node '{id}'; nodes are {string.Join(", ", _nodes)}", nameof(id));

    /// <summary>Creates <paramref name="nodeCount"/> nodes and starts them all (they join through the first seeds).</summary>
    public static async Task<MultiNodeCluster> StartAsync(int nodeCount, MultiNodeOptions? options = null, ITestOutputHelper? output = null)
    {
        var cluster = Create(nodeCount, options, output);
        try
        {
            await cluster.StartAllAsync().ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return cluster;
    }

    /// <summary>Creates <paramref name="nodeCount"/> nodes without starting them (start them with <see cref="StartNodeAsync"/>).</summary>
    public static MultiNodeCluster Create(int nodeCount, MultiNodeOptions? options = null, ITestOutputHelper? output = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nodeCount);
        return new MultiNodeCluster(nodeCount, options ?? new MultiNodeOptions(), output);
    }

    /// <summary>A line in the test output's timeline (observed timings, steps of the scenario).</summary>
    public void Note(string text) => _sink.Note(text);

    /// <summary>Starts every node that does not run, in order.</summary>
    public async Task StartAllAsync()
    {
        foreach (var node in _nodes.Where(n => !n.IsAlive))
        {
            await StartNodeAsync(node).ConfigureAwait(false);
        }
    }

    /// <summary>Starts a run of <paramref name="node"/> (a new incarnation on its address and data directory) and joins it.</summary>
    public async Task StartNodeAsync(MultiNodeNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (node.IsAlive)
        {
            throw new InvalidOperationException($"{node.Id} is {node.State}; kill or stop it before starting it again");
        }

        var transport = new PausableTransport(new FaultInjectingTransport(CreateTransport(node), Faults, node.Address));
        var dispatcher = new PausableDispatcher();
        var run = await PeerSyncNode.StartAsync(node.Options, new PeerSyncNodeServices
        {
            LoggerFactory = node.LoggerFactory,
            Transport = transport,
            Dispatcher = dispatcher,
            Components = Options.Components?.Invoke(node) ?? [],
            JoinOnStart = false,
        }).ConfigureAwait(false);
        Observe(node, run);
        node.Began(run, transport, dispatcher);
        run.Cluster.Join();
        Note($"{node.Id} started as {run.SelfNode} at {node.Address}");
    }

    private ITransport CreateTransport(MultiNodeNode node)
    {
        var settings = node.Options.Remote.ToTransportSettings();
        return Options.Transport == MultiNodeTransport.Tcp
            ? new TcpTransport(settings, node.LoggerFactory)
            : new InMemoryTransport(_inMemory, settings, node.LoggerFactory);
    }

    private PeerSyncOptions NodeOptions(int index, EndpointAddress address, List<string> seeds)
    {
        var options = new PeerSyncOptions();
        options.Node.Id = "n" + index;
        options.Node.DataDir = Path.Combine(_root, "n" + index);
        options.Remote.Hostname = address.Host;
        options.Remote.Port = address.Port;
        options.Remote.Secret = Secret;

        // Test preset: links that lost their peer retry within 2 s (default 10 s), so a healed
        // partition or a restarted node is back in seconds; the cluster settings stay the defaults.
        options.Remote.Link.ReconnectMaxBackoff = TimeSpan.FromSeconds(2);
        options.Cluster.Name = Options.ClusterName;
        options.Cluster.SeedNodes = [.. seeds];
        options.Http.Port = 0;
        return options;
    }

    /// <summary>Kills every node (nothing is left running), deletes the data directories and flushes the logs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var failures = new List<Exception>();
        foreach (var node in _nodes.Where(n => n.IsAlive))
        {
            try
            {
                await KillCoreAsync(node).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add(new InvalidOperationException($"{node.Id} did not stop: {e.Message}", e));
            }
        }

        foreach (var node in _nodes)
        {
            node.LoggerFactory.Dispose();
        }

        try
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
        catch (IOException e)
        {
            failures.Add(new IOException($"the data directories under {_root} could not be deleted: {e.Message}", e));
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("the multi-node harness did not shut down cleanly", failures);
        }
    }
}

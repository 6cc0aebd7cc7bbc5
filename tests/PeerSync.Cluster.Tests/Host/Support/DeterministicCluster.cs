using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Cluster.Host;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;
using PeerSync.TestKit;
using Xunit.Abstractions;
using Xunit.Sdk;
using ClusterExtension = PeerSync.Cluster.Host.Cluster;

namespace PeerSync.Cluster.Tests.Host.Support;

/// <summary>
/// Several nodes (actor system + cluster actor each) on one deterministic scheduler under virtual
/// time, connected by a <see cref="TestClusterNetwork"/>: the real actors, run on one thread, so
/// timing-dependent host behaviour is tested without real time.
/// </summary>
internal sealed class DeterministicCluster : IDisposable
{
    private readonly List<DeterministicNode> _nodes = [];

    public DeterministicCluster(ITestOutputHelper? output, int seedCount = 3)
    {
        Logs = new LogCapture(output);
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        SeedCount = seedCount;
    }

    public DeterministicScheduler Scheduler { get; } = new();

    public TestClusterNetwork Network { get; } = new();

    public LogCapture Logs { get; }

    public ILoggerFactory LoggerFactory { get; }

    public TestKitSettings KitSettings { get; } = TestKitSettings.FromEnvironment();

    public int SeedCount { get; }

    public IReadOnlyList<DeterministicNode> Nodes => _nodes;

    public static EndpointAddress AddressOf(int index) => new("10.0.0." + index, 4053);

    /// <summary>Starts node n&lt;index&gt; (not joined); its startup time orders it after lower indexes.</summary>
    public DeterministicNode Start(int index, Func<ClusterConfig, ClusterConfig>? configure = null, string[]? roles = null, ulong incarnation = 1)
    {
        var address = AddressOf(index);
        var seeds = Enumerable.Range(1, SeedCount).Select(AddressOf).ToList();
        var config = ClusterConfig.Default([.. seeds.Select(s => s.ToString())]);
        config = configure?.Invoke(config) ?? config;
        var system = ActorSystem.Create("peersync", new ActorSystemSettings
        {
            DeterministicScheduler = Scheduler,
            LoggerFactory = LoggerFactory,
            Address = new Address(Address.LocalProtocol, "peersync", address.Host, address.Port),
        });
        var self = new ClusterSelf(
            new UniqueNode(NodeId.Parse("n" + index), new Incarnation(incarnation)),
            address,
            roles ?? [],
            Scheduler.Time.GetUtcNow().ToUnixTimeMilliseconds() + index);
        Network.Register(address, system);
        var cluster = ClusterExtension.Start(system, new ClusterSettings { Config = config, Self = self, Network = Network.For(address), RandomSeed = (ulong)index });
        var node = new DeterministicNode(this, system, cluster, address);
        _nodes.Add(node);
        Scheduler.RunUntilIdle();
        return node;
    }

    /// <summary>Starts nodes 1..count and joins them all.</summary>
    public IReadOnlyList<DeterministicNode> StartAndJoin(int count, Func<ClusterConfig, ClusterConfig>? configure = null)
    {
        var started = Enumerable.Range(1, count).Select(i => Start(i, configure)).ToList();
        foreach (var node in started)
        {
            node.Cluster.Join();
        }

        return started;
    }

    /// <summary>The node stops existing at once: its messages are lost and its system terminates, without leaving.</summary>
    public void Crash(DeterministicNode node)
    {
        Network.Unregister(node.Address);
        _ = node.System.Terminate();
        Scheduler.RunUntilIdle();
    }

    /// <summary>Runs virtual time (firing timers one at a time) until <paramref name="condition"/> holds, for at most <paramref name="max"/>.</summary>
    public TimeSpan RunUntil(Func<bool> condition, TimeSpan max, string what)
    {
        var start = Scheduler.Time.GetUtcNow();
        var deadline = start + max;
        while (true)
        {
            Scheduler.RunUntilIdle();
            if (condition())
            {
                return Scheduler.Time.GetUtcNow() - start;
            }

            var left = deadline - Scheduler.Time.GetUtcNow();
            if (left <= TimeSpan.Zero || !Scheduler.AdvanceToNextTimer(left))
            {
                throw new XunitException($"{what}: not within {max.TotalSeconds:0.#} s of virtual time\n{Describe()}");
            }
        }
    }

    /// <summary>Like <see cref="RunUntil"/> but checks after every single mailbox turn, to stop in the middle of a cascade.</summary>
    public void StepUntil(Func<bool> condition, TimeSpan max, string what)
    {
        var deadline = Scheduler.Time.GetUtcNow() + max;
        while (!condition())
        {
            var left = deadline - Scheduler.Time.GetUtcNow();
            if (!Scheduler.RunOne() && (left <= TimeSpan.Zero || !Scheduler.Time.FireNextDue(Scheduler.Time.GetUtcNow() + left)))
            {
                throw new XunitException($"{what}: not within {max.TotalSeconds:0.#} s of virtual time\n{Describe()}");
            }
        }
    }

    /// <summary>Runs virtual time for <paramref name="duration"/>.</summary>
    public void Run(TimeSpan duration) => Scheduler.Advance(duration);

    /// <summary>True when every given node sees exactly them all Up, none unreachable, and the same leader.</summary>
    public bool AllUpWithOneLeader(IReadOnlyList<DeterministicNode> nodes)
    {
        var expected = nodes.Select(n => n.Cluster.SelfNode).ToHashSet();
        var leader = nodes[0].Cluster.Leader;
        return leader is not null && nodes.All(n =>
        {
            var state = n.Cluster.State;
            return state.Leader == leader
                && state.Unreachable.IsEmpty
                && state.Members.Length == expected.Count
                && state.Members.All(m => m.Status == MemberStatus.Up && expected.Contains(m.Node));
        });
    }

    public string Describe() => string.Join("\n", _nodes.Select(n =>
        $"{n.Cluster.SelfNode}: stopped={n.Cluster.StopReason ?? "no"} leader={n.Cluster.Leader?.ToString() ?? "none"}/{n.Cluster.LeaderEpoch} " +
        string.Join(", ", n.Cluster.State.Members.Select(m => $"{m.Node.Id}:{m.Status}{(n.Cluster.State.Unreachable.Contains(m.Node) ? "(unreachable)" : "")}"))));

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            _ = node.System.Terminate();
        }

        Scheduler.RunUntilIdle();
        LoggerFactory.Dispose();
    }
}

/// <summary>One node of a <see cref="DeterministicCluster"/>.</summary>
internal sealed class DeterministicNode(DeterministicCluster owner, ActorSystem system, ClusterExtension cluster, EndpointAddress address)
{
    public ActorSystem System { get; } = system;

    public ClusterExtension Cluster { get; } = cluster;

    public EndpointAddress Address { get; } = address;

    public TestProbe CreateProbe(string? name = null) => new(System, owner.KitSettings, name);

    public override string ToString() => Cluster.SelfNode.ToString();
}

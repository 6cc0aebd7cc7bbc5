using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Configuration;
using PeerSync.Remote.Transport;
using PeerSync.Remote.Transport.InMemory;
using PeerSync.Remote.Transport.Tcp;
using PeerSync.Remote.Transport.Tls;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Remote.Tests.Support;

/// <summary>
/// The network the nodes of one test share: which transport they use (in-memory on one
/// <see cref="InMemoryNetwork"/>, TCP or TLS on loopback), optionally wrapped by a fault injector.
/// </summary>
public sealed class TestNetwork(TransportKind kind, Remote.Transport.Faults.FaultInjector? faults = null)
{
    public TransportKind Kind { get; } = kind;

    public InMemoryNetwork InMemory { get; } = new();

    public Remote.Transport.Faults.FaultInjector? Faults { get; } = faults;

    /// <summary>A transport on this network; with faults, <paramref name="node"/> is the address its dials come from (a node's transport learns it when it listens).</summary>
    public ITransport CreateTransport(RemoteOptions options, ILoggerFactory logs, EndpointAddress? node = null)
    {
        var settings = options.ToTransportSettings();
        ITransport transport = Kind switch
        {
            TransportKind.InMemory => new InMemoryTransport(InMemory, settings, logs),
            TransportKind.Tcp => new TcpTransport(settings, logs),
            _ => new TlsTransport(settings, TransportPair.Tls(), logs),
        };
        return Faults is null ? transport : new Remote.Transport.Faults.FaultInjectingTransport(transport, Faults, node);
    }
}

/// <summary>
/// One node of a multi-node test: an actor system with remoting on the test network, its own log
/// capture, a record of its dead letters, and probes. Disposing shuts remoting down gracefully,
/// terminates the system and checks (bounded) that no connection stays open.
/// </summary>
public sealed class RemoteTestNode : IAsyncDisposable
{
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly ILoggerFactory _loggerFactory;

    private RemoteTestNode(ActorSystem system, LogCapture logs, ILoggerFactory loggerFactory, TestNetwork network)
    {
        System = system;
        Logs = logs;
        _loggerFactory = loggerFactory;
        Network = network;
        system.EventStream.Subscribe<DeadLetter>(d =>
        {
            lock (_deadLetters)
            {
                _deadLetters.Add(d);
            }
        });
    }

    public ActorSystem System { get; }

    public Remoting Remoting => System.Remoting();

    public LogCapture Logs { get; }

    public TestNetwork Network { get; }

    public TestKitSettings KitSettings { get; } = TestKitSettings.FromEnvironment();

    public NodeId Id => Remoting.Self.Id;

    public UniqueNode Node => Remoting.Self;

    public EndpointAddress Endpoint => Remoting.LocalAddress;

    public IReadOnlyList<DeadLetter> DeadLetters
    {
        get
        {
            lock (_deadLetters)
            {
                return [.. _deadLetters];
            }
        }
    }

    /// <summary>
    /// Starts a node; <paramref name="configure"/> adjusts the options (fast reconnects are the test
    /// default). <paramref name="dispatcher"/>: where its actors run (null: the thread pool; a
    /// <see cref="PausableDispatcher"/> lets a test queue several messages before any is handled).
    /// <paramref name="wrapTransport"/>: wraps the network's transport (null: used as it is).
    /// </summary>
    public static async Task<RemoteTestNode> StartAsync(
        TestNetwork network,
        string id,
        Action<RemoteOptions>? configure = null,
        ulong incarnation = 0,
        int port = 0,
        ITestOutputHelper? output = null,
        string systemName = "sys",
        MessageDispatcher? dispatcher = null,
        TimeProvider? time = null,
        Func<ITransport, ITransport>? wrapTransport = null)
    {
        var options = Options(configure, port);
        var logs = new LogCapture(output);
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var settings = new RemotingSettings
        {
            Options = options,
            ClusterName = TestNodes.Cluster,
            NodeId = NodeId.Parse(id),
            Incarnation = incarnation == 0 ? Incarnation.NewRandom() : new Incarnation(incarnation),
            DataEpoch = new DataEpoch(7),
            Roles = ["test"],
            Transport = wrapTransport is null ? network.CreateTransport(options, loggerFactory) : wrapTransport(network.CreateTransport(options, loggerFactory)),
        };
        var system = await Remoting.CreateSystemAsync(
            systemName,
            settings,
            new ActorSystemSettings { LoggerFactory = loggerFactory, Dispatcher = dispatcher, TimeProvider = time ?? TimeProvider.System });
        return new RemoteTestNode(system, logs, loggerFactory, network);
    }

    public static RemoteOptions Options(Action<RemoteOptions>? configure = null, int port = 0)
    {
        var options = new RemoteOptions
        {
            Hostname = "127.0.0.1",
            Port = port,
            Secret = TestNodes.Secret,
            MaxFrameSizeBytes = 1024 * 1024,
            HandshakeTimeout = TimeSpan.FromSeconds(5),
        };
        options.Link.ReconnectMinBackoff = TimeSpan.FromMilliseconds(20);
        options.Link.ReconnectMaxBackoff = TimeSpan.FromMilliseconds(200);
        options.Link.ShutdownFlushTimeout = TimeSpan.FromSeconds(5);
        configure?.Invoke(options);
        return options;
    }

    public TestProbe CreateProbe(string? name = null) => new(System, KitSettings, name);

    /// <summary>A probe that receives everything told to this node's /user/<paramref name="name"/>, through a <see cref="RelayActor"/> there.</summary>
    public TestProbe CreateInbox(string name = "inbox")
    {
        var inbox = CreateProbe();
        System.ActorOf(Props.Create(() => new RelayActor(inbox.Ref)), name);
        return inbox;
    }

    /// <summary>A ref (from this node) to <paramref name="path"/> (e.g. "/user/echo") on <paramref name="other"/>.</summary>
    public IActorRef RefTo(RemoteTestNode other, string path) =>
        System.ResolveActorRef(ActorPath.Parse(other.Remoting.Address + path))
        ?? throw new InvalidOperationException($"{path} on {other.Id} does not resolve");

    /// <summary>This node's links actor (/system/remote/links).</summary>
    public IActorRef Links => System.ResolveLocal(ActorPath.Parse(Remoting.Address + "/system/remote/links"))
        ?? throw new InvalidOperationException($"{Id} has no links actor");

    /// <summary>This node's link actor for <paramref name="peer"/> (/system/remote/links/&lt;peer&gt;).</summary>
    public IActorRef LinkTo(NodeId peer) => System.ResolveLocal(ActorPath.Parse($"{Remoting.Address}/system/remote/links/{peer}"))
        ?? throw new InvalidOperationException($"{Id} has no link to {peer}");

    public int DeadLetterCount(Func<DeadLetter, bool>? predicate = null)
    {
        lock (_deadLetters)
        {
            return predicate is null ? _deadLetters.Count : _deadLetters.Count(predicate);
        }
    }

    /// <summary>Shuts remoting down, terminates the system, and waits (bounded) for every connection to close.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Remoting.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await System.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
            await Remoting.Transport.Counters.WhenOpenAtMostAsync(0).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            _loggerFactory.Dispose();
        }
    }
}

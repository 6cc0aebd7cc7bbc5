using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Cluster.Host;
using PeerSync.Hosting.Options;
using PeerSync.Remote;
using PeerSync.Remote.Addressing;
using ClusterExtension = PeerSync.Cluster.Host.Cluster;

namespace PeerSync.Hosting.Node;

/// <summary>
/// One running node, composed from its options (docs/design/cluster-host.md, "Node composition"):
/// the data directory and its data epoch, an actor system named after the cluster and reachable at
/// `remote.hostname:port`, remoting, the cluster part, then the <see cref="PeerSyncNodeServices.Components"/>
/// in order, then the join through `cluster.seed-nodes`. <see cref="StopAsync"/> undoes it
/// gracefully (components in reverse, leave, drain links, terminate); <see cref="KillAsync"/> ends it
/// as a crash would. Each start is a new incarnation.
/// </summary>
public sealed partial class PeerSyncNode : IAsyncDisposable
{
    private readonly PeerSyncNodeServices _services;
    private readonly List<INodeComponent> _started = [];
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly ILogger _log;
    private NodeRunState _state = NodeRunState.Running;
    private NodeClusterMetrics? _clusterMetrics;

    private PeerSyncNode(PeerSyncOptions options, PeerSyncNodeServices services, string dataDirectory, DataEpoch dataEpoch, ActorSystem system)
    {
        Options = options;
        _services = services;
        DataDirectory = dataDirectory;
        DataEpoch = dataEpoch;
        System = system;
        Remoting = Remoting.Get(system);
        _log = services.LoggerFactory.CreateLogger("PeerSync.Hosting.Node.PeerSyncNode");
    }

    public PeerSyncOptions Options { get; }

    /// <summary>`node.data-dir` as used (resolved).</summary>
    public string DataDirectory { get; }

    /// <summary>The epoch of the data directory (see <see cref="DataEpochFile"/>).</summary>
    public DataEpoch DataEpoch { get; }

    public ActorSystem System { get; }

    public Remoting Remoting { get; }

    public ClusterExtension Cluster { get; private set; } = null!;

    /// <summary>This run of the node: its id and the incarnation drawn at start.</summary>
    public UniqueNode SelfNode => Remoting.Self;

    /// <summary>Where the node listens (the actual port when 0 was configured).</summary>
    public EndpointAddress Address => Remoting.LocalAddress;

    public ILoggerFactory LoggerFactory => _services.LoggerFactory;

    public TimeProvider TimeProvider => _services.TimeProvider;

    /// <summary>The component of type <typeparamref name="T"/> this node was composed with (e.g. its SyncComponent), or null.</summary>
    public T? Component<T>()
        where T : class, INodeComponent => _services.Components.OfType<T>().FirstOrDefault();

    /// <summary>Completes when the node has stopped (gracefully or killed).</summary>
    public Task WhenTerminated => System.WhenTerminated;

    /// <summary>
    /// Validates <paramref name="options"/>, starts every part and (unless told otherwise) joins the
    /// cluster. Returns once the node runs; follow <see cref="Cluster"/> for membership.
    /// </summary>
    /// <exception cref="PeerSyncOptionsException">The options are not valid; every problem is listed.</exception>
    /// <exception cref="InvalidOperationException">The data directory or its epoch file is unusable (the message says how to fix it).</exception>
    /// <exception cref="PeerSync.Remote.Transport.TransportException">The remote address cannot be bound.</exception>
    public static async Task<PeerSyncNode> StartAsync(PeerSyncOptions options, PeerSyncNodeServices? services = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        services ??= new PeerSyncNodeServices();
        options.EnsureValid();
        var clusterConfig = options.ToClusterConfig();
        var dataDirectory = options.Node.ResolveDataDir();
        var dataEpoch = DataEpochFile.LoadOrCreate(dataDirectory);
        var remoting = new RemotingSettings
        {
            Options = options.Remote,
            ClusterName = options.Cluster.Name,
            NodeId = options.ParseNodeId(),
            DataEpoch = dataEpoch,
            Roles = [.. options.Node.Roles],
            Transport = services.Transport,
        };
        var actorSettings = new ActorSystemSettings
        {
            TimeProvider = services.TimeProvider,
            LoggerFactory = services.LoggerFactory,
            Dispatcher = services.Dispatcher,
        };

        ActorSystem system;
        try
        {
            system = await Remoting.CreateSystemAsync(options.Cluster.Name, remoting, actorSettings, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e) when (e.ParamName == "name")
        {
            throw new PeerSyncOptionsException($"peersync.cluster.name '{options.Cluster.Name}' cannot name the node's actor system: {e.Message}", e);
        }

        var node = new PeerSyncNode(options, services, dataDirectory, dataEpoch, system);
        try
        {
            await node.StartPartsAsync(clusterConfig, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await node.KillAsync().ConfigureAwait(false);
            throw;
        }

        return node;
    }

    private async Task StartPartsAsync(Cluster.ClusterConfig clusterConfig, CancellationToken cancellationToken)
    {
        Cluster = ClusterExtension.Start(System, new ClusterSettings { Config = clusterConfig, RandomSeed = _services.ClusterRandomSeed });
        _clusterMetrics = new NodeClusterMetrics(Cluster);
        foreach (var component in _services.Components)
        {
            NodeLog.ComponentStarting(_log, SelfNode, component.Name);
            await component.StartAsync(this, cancellationToken).ConfigureAwait(false);
            _started.Add(component);
        }

        if (_services.JoinOnStart)
        {
            Cluster.Join();
        }

        NodeLog.Started(_log, SelfNode, Address, DataEpoch, DataDirectory);
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}

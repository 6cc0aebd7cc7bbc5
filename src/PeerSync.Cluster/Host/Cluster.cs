using System.Collections.Concurrent;
using System.Collections.Immutable;
using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Host.Wire;
using PeerSync.Cluster.Membership;
using PeerSync.Remote;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Host;

/// <summary>
/// The cluster of one actor system (a system extension; docs/design/cluster-host.md): it starts
/// `/system/cluster` (the <see cref="ClusterActor"/> hosting the <see cref="ClusterMachine"/>) and
/// `/system/cluster/singleton` (the <see cref="Singleton.ClusterSingletonManager"/>, leader mode only),
/// answers queries from any thread (<see cref="State"/>, <see cref="Leader"/>), and takes commands
/// (<see cref="Join"/>, <see cref="Leave"/>, <see cref="Down"/>, subscriptions, singletons).
/// Inside the PeerSync namespaces `Cluster` also names a namespace: use <c>system.Cluster()</c>.
/// </summary>
public sealed class Cluster
{
    /// <summary>Where the cluster actor lives on every node.</summary>
    public const string ActorPath = "/system/cluster";

    /// <summary>Where the singleton manager lives on every node (leader mode).</summary>
    public const string SingletonManagerPath = "/system/cluster/singleton";

    private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, byte> _singletons = new(StringComparer.Ordinal);
    private volatile ClusterStateSnapshot _state;
    private volatile string? _stopReason;
    private IActorRef? _actor;

    private Cluster(ActorSystem system, ClusterSettings settings, ClusterSelf self, IClusterNetwork network)
    {
        System = system;
        Settings = settings;
        SelfInfo = self;
        Network = network;
        _state = ClusterStateSnapshot.Empty(self.Node);
    }

    public ActorSystem System { get; }

    public ClusterSettings Settings { get; }

    /// <summary>Who this node is (unique node, address, roles, startup time).</summary>
    public ClusterSelf SelfInfo { get; }

    public UniqueNode SelfNode => SelfInfo.Node;

    /// <summary>The cluster actor (`/system/cluster`).</summary>
    public IActorRef ActorRef => _actor ?? throw new InvalidOperationException("the cluster actor is not started yet");

    /// <summary>
    /// The cluster as this node sees it now. It is updated before the events that lead to it are
    /// published, so a subscriber that reads it on an event sees that event's state or a later one.
    /// </summary>
    public ClusterStateSnapshot State => _state;

    /// <summary>This node as a member; null before it joined and after it was removed.</summary>
    public Member? SelfMember => _state.MemberOf(SelfNode);

    /// <summary>The leader this node believes in (itself only while it acts as leader); null when none.</summary>
    public UniqueNode? Leader => _state.Leader;

    /// <summary>The epoch of <see cref="Leader"/>; <see cref="Epoch.None"/> when there is none.</summary>
    public Epoch LeaderEpoch => _state.LeaderEpoch;

    public bool IsLeader => _state.Leader == SelfNode;

    /// <summary>True once the cluster part stopped (see <see cref="StopReason"/>); this incarnation never rejoins.</summary>
    public bool IsStopped => _stopReason is not null;

    public string? StopReason => _stopReason;

    /// <summary>Completes when this node is Up; fails if the cluster part stops before that.</summary>
    public Task WhenUp => _up.Task;

    /// <summary>Completes with the reason when the cluster part stops (downed, removed, left, or the system terminated).</summary>
    public Task<string> WhenStopped => _stopped.Task;

    internal IClusterNetwork Network { get; }

    /// <summary>
    /// Starts the cluster part on <paramref name="system"/> (once per system). It does not join: call
    /// <see cref="Join"/> when the node's other parts are ready to see members.
    /// </summary>
    /// <exception cref="InvalidOperationException">The system already has a cluster, or has no remoting and no <see cref="ClusterSettings.Network"/> was given.</exception>
    public static Cluster Start(ActorSystem system, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(settings.Config);
        var remoting = system.GetExtension<Remoting>();
        if ((settings.Self is null || settings.Network is null) && remoting is null)
        {
            throw new InvalidOperationException($"actor system {system.Name} has no remoting: create it with Remoting.CreateSystemAsync, or give ClusterSettings.Self and Network");
        }

        var self = settings.Self ?? new ClusterSelf(remoting!.Self, remoting.LocalAddress, remoting.Identity.Roles, remoting.Identity.StartupTimeUnixMs);
        var network = settings.Network ?? new RemotingClusterNetwork(remoting!);
        var serialization = system.Serialization();
        if (!serialization.CanSerialize(typeof(ClusterDelivery)))
        {
            serialization.Add(new ClusterDeliverySerializer());
        }

        serialization.AddProtobuf(ClusterHostReflection.Descriptor);
        var cluster = new Cluster(system, settings, self, network);
        if (!ReferenceEquals(system.GetOrAddExtension(_ => cluster), cluster))
        {
            throw new InvalidOperationException($"actor system {system.Name} already has a cluster");
        }

        cluster._actor = system.SystemActorOf(Props.Create(() => new ClusterActor(cluster)), "cluster");
        return cluster;
    }

    /// <summary>The cluster of <paramref name="system"/>; throws when it has none.</summary>
    public static Cluster Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.GetExtension<Cluster>()
            ?? throw new InvalidOperationException($"actor system {system.Name} has no cluster; start it with Cluster.Start");
    }

    /// <summary>
    /// Joins through <paramref name="seeds"/> (null: the configured `cluster.seed-nodes`). Only the
    /// first call of an incarnation counts; later ones are logged and ignored.
    /// </summary>
    public void Join(IEnumerable<EndpointAddress>? seeds = null)
    {
        ImmutableArray<EndpointAddress>? list = null;
        if (seeds is not null)
        {
            var array = seeds.ToImmutableArray();
            if (array.Length == 0)
            {
                throw new ArgumentException("the seed list is empty; give at least one host:port (this node's own address forms a new cluster)", nameof(seeds));
            }

            if (array.Distinct().Count() != array.Length)
            {
                throw new ArgumentException($"the seed list names an address twice: {string.Join(", ", array)}", nameof(seeds));
            }

            list = array;
        }

        ActorRef.Tell(new JoinCluster(list), null);
    }

    /// <summary>Graceful leave of <paramref name="node"/> (null: this node). Follow the member events (or <see cref="WhenStopped"/>) for the outcome.</summary>
    public void Leave(NodeId? node = null) => ActorRef.Tell(new LeaveCluster(node), null);

    /// <summary>Marks the current incarnation of <paramref name="node"/> Down (an operator's decision).</summary>
    public void Down(NodeId node) => ActorRef.Tell(new DownMember(node), null);

    /// <summary>
    /// Sends <paramref name="subscriber"/> the current state (per <paramref name="mode"/>) and then
    /// every event of <paramref name="eventTypes"/> (default: every <see cref="ClusterEvent"/>; add
    /// <see cref="ClusterPartStopped"/> to hear about this node's own stop), in order, from the
    /// cluster actor. The subscription ends with <see cref="Unsubscribe"/> or when the subscriber stops.
    /// </summary>
    public void Subscribe(IActorRef subscriber, InitialStateMode mode = InitialStateMode.AsEvents, params Type[] eventTypes)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(eventTypes);
        foreach (var type in eventTypes)
        {
            if (!typeof(ClusterEvent).IsAssignableFrom(type) && type != typeof(ClusterPartStopped))
            {
                throw new ArgumentException($"{type.Name} is not a cluster event; subscribe to ClusterEvent (or one of its records) or ClusterPartStopped", nameof(eventTypes));
            }
        }

        ImmutableArray<Type> types = eventTypes.Length == 0 ? [typeof(ClusterEvent)] : [.. eventTypes];
        ActorRef.Tell(new SubscribeClusterEvents(subscriber, mode, types), null);
    }

    public void Unsubscribe(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ActorRef.Tell(new UnsubscribeClusterEvents(subscriber), null);
    }

    /// <summary>
    /// Registers a cluster singleton: while this node is the acting leader, the singleton runs as
    /// `/system/cluster/singleton/<paramref name="name"/>`; it is stopped before another node's
    /// starts. Register the same names on every node that may lead, before joining.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not a valid actor name, or is registered already.</exception>
    /// <exception cref="InvalidOperationException">The cluster runs in leaderless mode (there is no singleton).</exception>
    public void RegisterSingleton(string name, Props props)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (!ActorNames.IsValid(name, allowReserved: false, out var error))
        {
            throw new ArgumentException($"invalid singleton name '{name}': {error}", nameof(name));
        }

        if (Settings.Config.ElectionMode != ElectionMode.Leader)
        {
            throw new InvalidOperationException($"singleton '{name}' cannot run: the cluster is leaderless (peersync.sync.mode = leaderless), so there is no leader to run it");
        }

        if (!_singletons.TryAdd(name, 0))
        {
            throw new ArgumentException($"a singleton named '{name}' is registered already", nameof(name));
        }

        ActorRef.Tell(new RegisterSingleton(name, props), null);
    }

    /// <summary>The ref to the singleton manager on <paramref name="node"/> (a member at <paramref name="address"/>).</summary>
    internal IActorRef SingletonManagerOn(UniqueNode node, EndpointAddress address) =>
        node == SelfNode
            ? System.ResolveActorRef(Actors.ActorPath.Parse(System.Address + SingletonManagerPath)) ?? System.DeadLetters
            : Network.Resolve(address, SingletonManagerPath);

    internal void Publish(ClusterStateSnapshot state)
    {
        _state = state;
        if (state.MemberOf(SelfNode) is { Status: >= MemberStatus.Up and <= MemberStatus.Exiting })
        {
            _up.TrySetResult();
        }
    }

    internal void MarkStopped(string reason)
    {
        _stopReason ??= reason;
        _up.TrySetException(new InvalidOperationException($"the cluster part of {SelfNode} stopped before it was Up: {reason}"));
        _stopped.TrySetResult(reason);
    }
}

public static class ClusterExtensions
{
    /// <summary>The cluster of <paramref name="system"/> (see <see cref="Host.Cluster.Get"/>).</summary>
    public static Cluster Cluster(this ActorSystem system) => Host.Cluster.Get(system);
}

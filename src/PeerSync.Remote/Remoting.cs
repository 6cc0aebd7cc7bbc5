using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Configuration;
using PeerSync.Remote.Endpoints;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Links;
using PeerSync.Remote.PeerState;
using PeerSync.Remote.Refs;
using PeerSync.Remote.Session;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote;

/// <summary>
/// Remoting for one actor system (a system extension; see docs/design/remote-links.md): the
/// listener, `/system/remote` (learns who is at an address), `/system/remote/links/&lt;node&gt;` (one
/// PeerLink actor per peer node), remote refs, remote death watch, and the
/// <see cref="PeerStates"/> service. The cluster layer drives it through <see cref="Connect"/>,
/// <see cref="Disconnect"/>, <see cref="Quarantine"/> and <see cref="NodeRemoved"/>, and follows
/// it through <see cref="PeerStateChanged"/>, <see cref="PeerQuarantined"/> and
/// <see cref="QuarantinedByPeer"/> on the event stream.
/// </summary>
public sealed partial class Remoting
{
    /// <summary>Quarantined incarnations remembered (oldest forgotten first); each is a few dozen bytes.</summary>
    private const int MaxQuarantined = 10_000;

    private readonly ConcurrentDictionary<UniqueNode, string> _quarantined = new();
    private readonly ConcurrentQueue<UniqueNode> _quarantineOrder = new();
    private readonly SerializationRegistry _serialization;
    private readonly DeliveryFailureLog _failureLog;
    private readonly int _maxEntryBytes;

    private Remoting(ActorSystem system, RemotingSettings settings, ITransport transport, NodeIdentity identity)
    {
        System = system;
        Settings = settings;
        Options = settings.Options;
        Transport = transport;
        Identity = identity;
        TimeProvider = system.TimeProvider;
        Logger = system.LoggerFactory.CreateLogger("PeerSync.Remote.Remoting");
        _serialization = system.Serialization();
        _serialization.AddControlMessages();
        Endpoints = new EndpointRegistry(this);
        Watcher = new RemoteWatcher(this);
        PeerStates = new PeerStateService(system.EventStream, system.TimeProvider);
        Metrics = new RemoteMetrics(identity.Id, () => Endpoints.Associations.Select(a => (PeerStates.StateOf(a.Peer), a.BufferedCount)).ToArray());
        _failureLog = new DeliveryFailureLog(Logger, identity.Id, TimeProvider);
        _maxEntryBytes = Options.MaxFrameSizeBytes - Links.Wire.BatchLayout.HeaderReserveBytes - Links.Wire.BatchLayout.FrameOverheadBytes;
        Dialer = new RemoteDialer(transport, Runner, system.LoggerFactory.CreateLogger("PeerSync.Remote.RemoteDialer"));
    }

    public ActorSystem System { get; }

    public RemotingSettings Settings { get; }

    public RemoteOptions Options { get; }

    /// <summary>This node as its handshakes announce it.</summary>
    public NodeIdentity Identity { get; }

    public UniqueNode Self => Identity.Node;

    /// <summary>Where this node listens (with the actual port when port 0 was asked for).</summary>
    public EndpointAddress LocalAddress => Identity.Address;

    /// <summary>The actor system's address, `peersync://system@host:port`.</summary>
    public Address Address => System.Address;

    /// <summary>The transport carrying the sessions (its counters show open connections).</summary>
    public ITransport Transport { get; }

    /// <summary>Each peer's connectivity: queries, and <see cref="PeerStateChanged"/> events.</summary>
    public PeerStateService PeerStates { get; }

    public TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    internal RemoteMetrics Metrics { get; }

    internal EndpointRegistry Endpoints { get; }

    internal RemoteWatcher Watcher { get; }

    internal RemoteDialer Dialer { get; }

    internal HandshakeRunner Runner => _runner ??= new HandshakeRunner(
        Options.ToHandshakeConfig(Settings.ClusterName, Identity), Settings.Nonces ?? RandomNonceSource.Instance, TimeProvider);

    /// <summary>The remoting of <paramref name="system"/>; throws when it has none.</summary>
    public static Remoting Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.GetExtension<Remoting>()
            ?? throw new InvalidOperationException($"actor system {system.Name} has no remoting; create it with Remoting.CreateSystemAsync");
    }

    /// <summary>
    /// Dials <paramref name="address"/> (a seed, or a member's address) and keeps a link to the node
    /// found there, reconnecting with backoff. The node's id need not be known: it is learned from
    /// the handshake. Returns at once; follow <see cref="PeerStateChanged"/> for the outcome.
    /// </summary>
    public void Connect(EndpointAddress address)
    {
        EnsureRunning();
        if (Endpoints.NodeAt(address) is { } node)
        {
            _manager!.Tell(new LinkCommand(node, new ConnectLink(address)), null);
        }
        else
        {
            _manager!.Tell(new Discover(address, ResetBackoff: true), null);
        }
    }

    /// <summary>
    /// Closes the link to <paramref name="peer"/> (SHUTDOWN with <paramref name="reason"/>) and stops
    /// reconnecting. What it still buffers, and what is told to the peer afterwards, becomes dead
    /// letters with the reason, until <see cref="Connect"/> or the peer dialing in starts a new link.
    /// </summary>
    public void Disconnect(NodeId peer, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        EnsureRunning();
        _manager!.Tell(new LinkCommand(peer, new DisconnectLink(reason)), null);
    }

    /// <summary>
    /// Never talks to <paramref name="node"/> (that incarnation) again: its session is closed with
    /// QUARANTINED, new sessions from it are refused, watchers of its actors get Terminated with
    /// AddressTerminated, messages meant for it are dead letters, and <see cref="PeerQuarantined"/>
    /// is published. A restarted process (new incarnation) of the same node is not affected.
    /// Idempotent.
    /// </summary>
    public void Quarantine(UniqueNode node, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (MarkQuarantined(node, reason) && _manager is not null)
        {
            _manager.Tell(new LinkCommand(node.Id, new QuarantineLink(node.Incarnation, reason)), null);
        }
    }

    /// <summary>
    /// The cluster removed <paramref name="node"/>: it is quarantined (so watchers of its actors get
    /// Terminated) and, when its link is on that incarnation, the link is closed and stops.
    /// </summary>
    public void NodeRemoved(UniqueNode node)
    {
        const string reason = "removed from the cluster";
        Quarantine(node, reason);
        if (Endpoints.Find(node.Id) is { } association && (association.Current is null || association.Current.Node == node))
        {
            Disconnect(node.Id, $"{node} was {reason}");
        }
    }

    public bool IsQuarantined(UniqueNode node) => _quarantined.ContainsKey(node);

    internal Incarnation[] QuarantinedIncarnationsOf(NodeId peer) =>
        _quarantined.Keys.Where(n => n.Id == peer).Select(n => n.Incarnation).ToArray();

    /// <summary>Messages buffered for <paramref name="peer"/> (not yet sent, or sent and not yet acknowledged).</summary>
    public long BufferedMessages(NodeId peer) => Endpoints.Find(peer)?.BufferedCount ?? 0;

    /// <summary>Whether the peer's link has an active session right now (what <see cref="PeerStates"/> reports may lag by one event).</summary>
    internal bool IsLinkActive(NodeId peer) => Endpoints.Find(peer)?.IsConnected == true;

    /// <summary>Records the quarantine and does everything that must happen at once; false when it was known.</summary>
    internal bool MarkQuarantined(UniqueNode node, string reason)
    {
        if (!_quarantined.TryAdd(node, reason))
        {
            return false;
        }

        _quarantineOrder.Enqueue(node);
        while (_quarantineOrder.Count > MaxQuarantined && _quarantineOrder.TryDequeue(out var oldest))
        {
            _quarantined.TryRemove(oldest, out _);
        }

        Endpoints.Find(node.Id)?.MarkQuarantined(node.Incarnation);
        LinkLog.Quarantined(Logger, Self.Id, node, reason);
        Watcher.NodeGone(node);
        System.EventStream.Publish(new PeerQuarantined(node, reason));
        return true;
    }

    private void EnsureRunning()
    {
        if (_manager is null || IsShuttingDown)
        {
            throw new InvalidOperationException($"remoting of {System.Name} is {(IsShuttingDown ? "shutting down" : "not started")}");
        }
    }
}

public static class RemotingExtensions
{
    /// <summary>The remoting of <paramref name="system"/> (see <see cref="Remoting.Get"/>).</summary>
    public static Remoting Remoting(this ActorSystem system) => Remote.Remoting.Get(system);
}

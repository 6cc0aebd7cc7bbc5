using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Hosting.Node;
using PeerSync.Hosting.Options;
using PeerSync.Remote.Addressing;
using ClusterExtension = PeerSync.Cluster.Host.Cluster;

namespace PeerSync.TestKit.MultiNode;

/// <summary>Where a harness node is in its life.</summary>
public enum MultiNodeState
{
    NotStarted,
    Running,

    /// <summary>Frozen: no actor runs, nothing is sent or read (<see cref="MultiNodeCluster.PauseAsync"/>).</summary>
    Paused,

    /// <summary>Ended abruptly (<see cref="MultiNodeCluster.KillAsync"/>).</summary>
    Killed,

    /// <summary>Ended gracefully (<see cref="MultiNodeCluster.StopAsync"/>).</summary>
    Stopped,
}

/// <summary>
/// One node of a <see cref="MultiNodeCluster"/>: a stable id, address and data directory that
/// survive restarts, and the current run (a <see cref="PeerSyncNode"/> with a new incarnation each time).
/// </summary>
public sealed class MultiNodeNode
{
    private readonly List<UniqueNode> _incarnations = [];
    private PeerSyncNode? _current;

    internal MultiNodeNode(int index, PeerSyncOptions options, EndpointAddress address, ILoggerFactory loggerFactory, LogCapture logs)
    {
        Index = index;
        Options = options;
        Address = address;
        LoggerFactory = loggerFactory;
        Logs = logs;
    }

    /// <summary>1-based position: n1 is the first seed.</summary>
    public int Index { get; }

    public NodeId Id => NodeId.Parse(Options.Node.Id);

    /// <summary>The options every run of this node starts with.</summary>
    public PeerSyncOptions Options { get; }

    public EndpointAddress Address { get; }

    public string DataDirectory => Options.Node.DataDir;

    public MultiNodeState State { get; internal set; } = MultiNodeState.NotStarted;

    /// <summary>True while a run exists (running or paused).</summary>
    public bool IsAlive => State is MultiNodeState.Running or MultiNodeState.Paused;

    /// <summary>The current run; throws when the node is not running.</summary>
    public PeerSyncNode Node => _current is not null && IsAlive
        ? _current
        : throw new InvalidOperationException($"{Id} is {State}: start or restart it first");

    public ActorSystem System => Node.System;

    public ClusterExtension Cluster => Node.Cluster;

    /// <summary>The current incarnation (or the last one, once the node is down).</summary>
    public UniqueNode SelfNode => _incarnations.Count > 0 ? _incarnations[^1] : throw new InvalidOperationException($"{Id} never started");

    /// <summary>Every incarnation this node has run as, oldest first.</summary>
    public IReadOnlyList<UniqueNode> Incarnations => _incarnations;

    /// <summary>Log entries of every run of this node (at <see cref="MultiNodeOptions.CaptureLevel"/> and above).</summary>
    public LogCapture Logs { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal PausableTransport? Transport { get; private set; }

    internal PausableDispatcher? Dispatcher { get; private set; }

    internal void Began(PeerSyncNode node, PausableTransport transport, PausableDispatcher dispatcher)
    {
        _current = node;
        Transport = transport;
        Dispatcher = dispatcher;
        _incarnations.Add(node.SelfNode);
        State = MultiNodeState.Running;
    }

    internal PeerSyncNode? Current => _current;

    public override string ToString() => Id.Value;
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PeerSync.Actors;
using PeerSync.Remote.Transport;

namespace PeerSync.Hosting.Node;

/// <summary>What a <see cref="PeerSyncNode"/> takes besides its options. Every default suits production.</summary>
public sealed record PeerSyncNodeServices
{
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Every clock of the node (timers, the cluster's monotonic time, startup time).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The transport instead of the one `peersync.remote` describes (tests: in-memory, fault injection, pausing).</summary>
    public ITransport? Transport { get; init; }

    /// <summary>Where the node's actors run; null: the .NET thread pool (a <see cref="PausableDispatcher"/> lets a test freeze the node).</summary>
    public MessageDispatcher? Dispatcher { get; init; }

    /// <summary>Further parts, started in order after the cluster part and stopped in reverse before the node leaves.</summary>
    public IReadOnlyList<INodeComponent> Components { get; init; } = [];

    /// <summary>Whether <see cref="PeerSyncNode.StartAsync"/> joins through `cluster.seed-nodes` once everything started. Default true.</summary>
    public bool JoinOnStart { get; init; } = true;

    /// <summary>Seeds the cluster machine's PRNG; null derives it from the incarnation (different on every run).</summary>
    public ulong? ClusterRandomSeed { get; init; }

    /// <summary>
    /// How long <see cref="PeerSyncNode.StopAsync"/> waits for the cluster to confirm this node's
    /// removal before it shuts down anyway; null: 2 x `cluster.downing.stable-after` + 2 s, past
    /// which the machine gives up on an unconfirmed removal by itself.
    /// </summary>
    public TimeSpan? LeaveTimeout { get; init; }
}

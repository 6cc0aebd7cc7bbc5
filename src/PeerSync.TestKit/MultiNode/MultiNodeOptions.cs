using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Node;
using PeerSync.Hosting.Options;

namespace PeerSync.TestKit.MultiNode;

/// <summary>Which transport the nodes of a multi-node test use.</summary>
public enum MultiNodeTransport
{
    /// <summary>Real TCP on loopback, on free ports (the default: what production runs).</summary>
    Tcp,

    /// <summary>In-memory pipes through one shared network (no sockets; still the real framing and links).</summary>
    InMemory,
}

/// <summary>How a <see cref="MultiNodeCluster"/> builds its nodes.</summary>
public sealed record MultiNodeOptions
{
    /// <summary>How many of the nodes are seeds (the first ones, in order). Default 3 (fewer when the cluster is smaller).</summary>
    public int SeedCount { get; init; } = 3;

    public MultiNodeTransport Transport { get; init; } = MultiNodeTransport.Tcp;

    /// <summary>`peersync.cluster.name`, also the actor system's name. Default "peersync".</summary>
    public string ClusterName { get; init; } = "peersync";

    /// <summary>Seeds the fault injector's PRNG (drops), so a failing run replays its drops.</summary>
    public int FaultSeed { get; init; } = 1;

    /// <summary>Adjusts a node's options after the harness filled in ids, ports, seeds and data dirs (index is 1-based).</summary>
    public Action<PeerSyncOptions, int>? Configure { get; init; }

    /// <summary>The components of each run of a node (e.g. one that registers a cluster singleton); called at every start.</summary>
    public Func<MultiNodeNode, IReadOnlyList<INodeComponent>>? Components { get; init; }

    /// <summary>Log entries at or above this level go to the test output. Default Information.</summary>
    public LogLevel OutputLevel { get; init; } = LogLevel.Information;

    /// <summary>Log entries at or above this level are kept per node for assertions (<see cref="MultiNodeNode.Logs"/>). Default Information.</summary>
    public LogLevel CaptureLevel { get; init; } = LogLevel.Information;

    /// <summary>The default wait of the await helpers (multiplied by PEERSYNC_TEST_TIME_FACTOR). Default 30 s.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

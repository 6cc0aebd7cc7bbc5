using PeerSync.Cluster;
using PeerSync.TestKit.MultiNode;

namespace PeerSync.MultiNode.Tests.Support;

/// <summary>
/// Upper bounds for multi-node assertions, derived from the configured cluster settings and made
/// generous (they catch a broken mechanism, not a slow machine; the bench measures the real
/// latencies against the goals). Stretched by PEERSYNC_TEST_TIME_FACTOR.
/// </summary>
internal sealed class ClusterTimings(MultiNodeCluster cluster)
{
    private readonly ClusterConfig _config = cluster.Nodes[0].Options.ToClusterConfig();

    private static TimeSpan Ms(long ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>The requirement: a crash is seen as unreachable within heartbeat interval + acceptable pause + 1 s.</summary>
    public TimeSpan DetectionGoal => Ms(_config.HeartbeatIntervalMs + _config.AcceptableHeartbeatPauseMs + 1000);

    /// <summary>Twice the detection goal: what a test asserts.</summary>
    public TimeSpan DetectionBound => Dilated(2 * DetectionGoal);

    public TimeSpan StableAfter => Ms(_config.StableAfterMs);

    /// <summary>From the first unreachable event to the downing: stable-after plus generous slack for gossip and scheduling.</summary>
    public TimeSpan DowningBound => Dilated(StableAfter + TimeSpan.FromSeconds(5));

    /// <summary>From a leader's crash to a successor agreed by all: voters wait lease + margin, the successor must see the crash; twice that.</summary>
    public TimeSpan FailoverBound => Dilated(2 * (Ms(_config.VoterWaitMs) + DetectionGoal));

    /// <summary>The longest pause the failure detector must ride out without an unreachable event.</summary>
    public TimeSpan AcceptablePause => Ms(_config.AcceptableHeartbeatPauseMs);

    private TimeSpan Dilated(TimeSpan value) => cluster.KitSettings.Dilated(value);
}

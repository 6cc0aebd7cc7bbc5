using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PeerSync.Cluster.Membership;
using ClusterExtension = PeerSync.Cluster.Host.Cluster;

namespace PeerSync.Hosting.Node;

/// <summary>
/// Membership as gauges on the meter `PeerSync.Hosting.Cluster`, read from the cluster's current
/// state when scraped (so they cost nothing between scrapes). Every measurement carries the tag
/// `node` (this node's id): several nodes in one process (tests) stay apart. Created by
/// <see cref="PeerSyncNode"/> when its cluster part starts, disposed when the node stops.
/// </summary>
internal sealed class NodeClusterMetrics : IDisposable
{
    public const string MeterName = "PeerSync.Hosting.Cluster";

    private static readonly Meter s_meter = new(MeterName, "1.0");
    private static readonly ConcurrentDictionary<NodeClusterMetrics, byte> s_live = new();
    private readonly ClusterExtension _cluster;
    private readonly KeyValuePair<string, object?> _node;

    static NodeClusterMetrics()
    {
        s_meter.CreateObservableGauge("peersync.cluster.members", ObserveMembers, "{member}", "Members as this node sees them, by status.");
        s_meter.CreateObservableGauge("peersync.cluster.unreachable_members", ObserveUnreachable, "{member}", "Members this node's failure detector reports unreachable.");
        s_meter.CreateObservableGauge("peersync.cluster.is_leader", ObserveLeader, "{boolean}", "1 while this node acts as the leader, else 0.");
    }

    public NodeClusterMetrics(ClusterExtension cluster)
    {
        _cluster = cluster;
        _node = new("node", cluster.SelfNode.Id.Value);
        s_live[this] = 0;
    }

    public void Dispose() => s_live.TryRemove(this, out _);

    private static IEnumerable<Measurement<long>> ObserveMembers()
    {
        foreach (var metrics in s_live.Keys)
        {
            var members = metrics._cluster.State.Members;
            foreach (var status in Enum.GetValues<MemberStatus>().Where(s => s != MemberStatus.Removed))
            {
                // Every status is reported (0 included), so a dashboard's series do not vanish and reappear.
                yield return new Measurement<long>(members.Count(m => m.Status == status), metrics._node, new("status", status.ToString()));
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObserveUnreachable()
    {
        foreach (var metrics in s_live.Keys)
        {
            yield return new Measurement<long>(metrics._cluster.State.Unreachable.Count, metrics._node);
        }
    }

    private static IEnumerable<Measurement<long>> ObserveLeader()
    {
        foreach (var metrics in s_live.Keys)
        {
            yield return new Measurement<long>(metrics._cluster.IsLeader ? 1 : 0, metrics._node);
        }
    }
}

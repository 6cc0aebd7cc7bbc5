using System.Reflection;
using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Cluster.Membership;
using PeerSync.Hosting.Logging;
using PeerSync.Hosting.Node;

namespace PeerSync.Hosting.Api.Node;

/// <summary>
/// The real <see cref="IPeerSyncApi"/> of a running <see cref="PeerSyncNode"/>: node information,
/// health, the live actor tree and recent logs from the node itself; the cluster through
/// <see cref="ClusterApi"/>; records and sync from the node's sync part (<see cref="NodeSyncParts"/>).
/// Everything answers from any thread without blocking the node's actors.
/// </summary>
public sealed class NodeApi : IPeerSyncApi
{
    private static readonly string ProductVersion = ReadVersion();
    private readonly PeerSyncNode _node;
    private readonly NodeSyncParts _sync;
    private readonly RecentLogEvents? _recentLogs;
    private readonly DateTimeOffset _startedAt;
    private volatile string _httpAddress = "";

    /// <param name="node">The running node.</param>
    /// <param name="sync">Records, sync state and readiness from the node's sync part.</param>
    /// <param name="recentLogs">The in-memory log buffer of the node's logging (null: <see cref="RecentLogs"/> is empty).</param>
    public NodeApi(PeerSyncNode node, NodeSyncParts sync, RecentLogEvents? recentLogs)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(sync);
        _node = node;
        _sync = sync;
        _recentLogs = recentLogs;
        _startedAt = DateTimeOffset.FromUnixTimeMilliseconds(node.Remoting.Identity.StartupTimeUnixMs);
        Cluster = new ClusterApi(node.Cluster, node.Options.Sync.Mode, node.TimeProvider);
    }

    /// <summary>
    /// Where the node's HTTP API listens (host:port), shown in <see cref="Info"/>; set by whoever
    /// starts the HTTP server once it is bound (empty until then, and for a node without one).
    /// </summary>
    public string HttpAddress
    {
        get => _httpAddress;
        set => _httpAddress = value ?? "";
    }

    public NodeInfoView Info
    {
        get
        {
            var options = _node.Options;
            var uptime = _node.TimeProvider.GetUtcNow() - _startedAt;
            return new NodeInfoView(
                _node.SelfNode.Id.Value,
                ProductVersion,
                _node.SelfNode.Incarnation.ToString(),
                _node.Address.ToString(),
                HttpAddress,
                _startedAt,
                Math.Max(0, uptime.TotalSeconds),
                options.Sync.Mode,
                [.. options.Node.Roles],
                _node.DataDirectory,
                options.Persistence.Provider);
        }
    }

    public IRecordsApi Records => _sync.Records;

    public IClusterApi Cluster { get; }

    public ISyncApi Sync => _sync.Sync;

    public HealthView Health()
    {
        var cluster = _node.Cluster;
        if (cluster.IsStopped)
        {
            return new HealthView(false, $"the node is no longer a cluster member: {cluster.StopReason}");
        }

        var status = cluster.SelfMember?.Status;
        if (status is null or MemberStatus.Joining)
        {
            return new HealthView(false, "joining the cluster");
        }

        if (status != MemberStatus.Up)
        {
            return new HealthView(false, $"the node is {status} in the cluster");
        }

        if (!_sync.IsReady())
        {
            return new HealthView(false, _sync.NotReadyReason?.Invoke() ?? $"sync is not ready ({_sync.Sync.Status().State})");
        }

        return new HealthView(true, null);
    }

    public ActorHierarchyNode Actors() => _node.System.Hierarchy();

    public IReadOnlyList<LogEntryView> RecentLogs(int limit, LogLevel minimumLevel)
    {
        if (_recentLogs is null)
        {
            return [];
        }

        return [.. _recentLogs.Snapshot(limit, minimumLevel).Select(e => new LogEntryView(e.Timestamp, e.Level.ToString(), e.Message, e.Exception))];
    }

    private static string ReadVersion()
    {
        var assembly = typeof(NodeApi).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

        // The SDK appends "+<commit>" to the informational version; the commit is not the version.
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "unknown";
    }
}

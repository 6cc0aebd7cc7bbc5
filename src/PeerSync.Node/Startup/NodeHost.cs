using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Api.Node;
using PeerSync.Hosting.Logging;
using PeerSync.Hosting.Node;
using PeerSync.Hosting.Options;
using PeerSync.Node.Http;

namespace PeerSync.Node.Startup;

/// <summary>
/// One node in a process (docs/design/node-host.md): the <see cref="PeerSyncNode"/>, its
/// <see cref="NodeApi"/> and the HTTP server over it. <see cref="StartAsync"/> starts the node
/// without joining, binds the HTTP API, and only then joins, so a taken HTTP port never leaves a
/// half-started member behind. <see cref="RunAsync"/> waits for a shutdown request or for the node
/// to stop being a member and then stops everything in order, bounded by <see cref="StopBound"/>.
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    /// <summary>What the stop may take besides the leave: the HTTP drain (5 s), the components' flush and the link drain.</summary>
    public static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(15);

    private readonly ILogger _log;
    private int _stopCode = -1;

    private NodeHost(PeerSyncNode node, NodeApi api, NodeHttpServer http, ILogger log)
    {
        Node = node;
        Api = api;
        Http = http;
        _log = log;
    }

    public PeerSyncNode Node { get; }

    public NodeApi Api { get; }

    public NodeHttpServer Http { get; }

    /// <summary>Why <see cref="RunAsync"/> returned a non-zero code (one line for stderr); null after a clean stop.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>The longest a graceful stop may take before the node is abandoned: the leave bound plus <see cref="StopMargin"/>.</summary>
    public TimeSpan StopBound => Node.LeaveTimeout + StopMargin;

    /// <summary>
    /// Starts the node from valid <paramref name="options"/>, its HTTP API, then joins the cluster.
    /// Throws what <see cref="PeerSyncNode.StartAsync"/> and <see cref="NodeHttpServer.StartAsync(Hosting.Api.IPeerSyncApi, HttpOptions, ILoggerFactory, TimeProvider, CancellationToken)"/>
    /// throw; what started is stopped again first.
    /// </summary>
    public static async Task<NodeHost> StartAsync(PeerSyncOptions options, NodeLogging logging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logging);
        var sync = NodeSyncComposition.Create();
        var services = new PeerSyncNodeServices
        {
            LoggerFactory = logging.LoggerFactory,
            Components = sync.Components,
            JoinOnStart = false,
        };
        var node = await PeerSyncNode.StartAsync(options, services, cancellationToken).ConfigureAwait(false);
        var api = new NodeApi(node, sync.Parts(), logging.Recent);
        NodeHttpServer http;
        try
        {
            http = await NodeHttpServer.StartAsync(api, options.Http, logging.LoggerFactory, node.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not joined yet: nobody knows this incarnation, so there is nobody to say goodbye to.
            await node.KillAsync().ConfigureAwait(false);
            throw;
        }

        api.HttpAddress = http.Address.Authority;
        node.Cluster.Join();
        var log = logging.LoggerFactory.CreateLogger("PeerSync.Node.NodeHost");
        NodeHostLog.Running(log, node.SelfNode.Id, node.Address, api.HttpAddress, node.DataDirectory);
        return new NodeHost(node, api, http, log);
    }

    /// <summary>
    /// Runs until <paramref name="shutdown"/> is cancelled (SIGINT/SIGTERM) or the node's cluster
    /// part stops, then stops gracefully. Returns the exit code: 0 after a requested shutdown or a
    /// leave this node was asked for; 1 when the node was downed or removed by the cluster (its
    /// supervisor should restart it as a new incarnation) or the stop exceeded <see cref="StopBound"/>.
    /// </summary>
    public async Task<int> RunAsync(CancellationToken shutdown)
    {
        var code = await WaitThenStopAsync(shutdown).ConfigureAwait(false);
        NodeHostLog.Exiting(_log, Node.SelfNode.Id, code);
        return code;
    }

    private async Task<int> WaitThenStopAsync(CancellationToken shutdown)
    {
        var requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (shutdown.Register(() => requested.TrySetResult()).ConfigureAwait(false))
        {
            var clusterStopped = Node.Cluster.WhenStopped;
            await Task.WhenAny(requested.Task, clusterStopped).ConfigureAwait(false);
            if (requested.Task.IsCompleted)
            {
                return await StopAsync("shutdown requested").ConfigureAwait(false);
            }

            var reason = await clusterStopped.ConfigureAwait(false);
            if (Api.Cluster is ClusterApi { SelfLeaveRequested: true })
            {
                return await StopAsync($"left the cluster as asked ({reason})").ConfigureAwait(false);
            }

            NodeHostLog.ClusterPartStopped(_log, Node.SelfNode.Id, reason);
            await StopAsync("no longer a cluster member").ConfigureAwait(false);
            FailureReason = $"node {Node.SelfNode.Id} is no longer a cluster member ({reason}); start it again to rejoin as a new incarnation";
            return NodeExitCodes.Failure;
        }
    }

    /// <summary>
    /// Stops taking requests (the HTTP server ends its streams and lets requests finish), then stops
    /// the node gracefully (flush, leave, drain). Past <see cref="StopBound"/> it gives up waiting
    /// and returns 1: the process exits and its sockets close, which peers see as a crash.
    /// Idempotent: later calls return the first one's code.
    /// </summary>
    public async Task<int> StopAsync(string reason)
    {
        if (_stopCode >= 0)
        {
            return _stopCode;
        }

        NodeHostLog.ShuttingDown(_log, Node.SelfNode.Id, reason, StopBound);
        using var bound = new CancellationTokenSource(StopBound);
        try
        {
            await Http.StopAsync(bound.Token).ConfigureAwait(false);
            await Node.StopAsync(bound.Token).WaitAsync(bound.Token).ConfigureAwait(false);
            _stopCode = NodeExitCodes.Ok;
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            NodeHostLog.StopTimedOut(_log, Node.SelfNode.Id, StopBound);
            FailureReason ??= $"node {Node.SelfNode.Id} did not stop within {StopBound.TotalSeconds:0} s and was abandoned (no confirmed leave)";
            _stopCode = NodeExitCodes.Failure;
        }

        return _stopCode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync("disposed").ConfigureAwait(false);
        await Http.DisposeAsync().ConfigureAwait(false);
    }
}

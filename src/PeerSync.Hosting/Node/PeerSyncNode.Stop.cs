using PeerSync.Remote.Addressing;

namespace PeerSync.Hosting.Node;

public sealed partial class PeerSyncNode
{
    private enum NodeRunState
    {
        Running,
        Stopped,
    }

    /// <summary>The bound on waiting for this node's removal when leaving.</summary>
    public TimeSpan LeaveTimeout => _services.LeaveTimeout ?? (2 * Options.Cluster.Downing.StableAfter) + TimeSpan.FromSeconds(2);

    /// <summary>
    /// Stops gracefully: components in reverse order (still a member, so they can flush to peers),
    /// then a leave and a bounded wait (<see cref="LeaveTimeout"/>) until the cluster removed this
    /// node (a leader hands its singleton over first), then the links drain, then the actor system
    /// terminates. Idempotent; a failing component is logged and the stop goes on.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_state != NodeRunState.Running)
            {
                return;
            }

            _state = NodeRunState.Stopped;
            var started = TimeProvider.GetTimestamp();
            NodeLog.Stopping(_log, SelfNode);
            await StopComponentsAsync(NodeStopKind.Graceful, cancellationToken).ConfigureAwait(false);
            await LeaveAsync(cancellationToken).ConfigureAwait(false);
            await Remoting.ShutdownAsync().ConfigureAwait(false);
            await System.Terminate().ConfigureAwait(false);
            _clusterMetrics?.Dispose();
            NodeLog.Stopped(_log, SelfNode, (long)TimeProvider.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Ends the node as a crash would: no leave, no flush. The actor system terminates at once (its
    /// connections close without waiting for peers), then components release what a dead process
    /// would lose. Peers find out through failure detection. Idempotent.
    /// </summary>
    public async Task KillAsync()
    {
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_state != NodeRunState.Running)
            {
                return;
            }

            _state = NodeRunState.Stopped;
            NodeLog.Killed(_log, SelfNode);
            await System.Terminate().ConfigureAwait(false);
            await Remoting.WhenStopped.ConfigureAwait(false);
            await StopComponentsAsync(NodeStopKind.Abrupt, CancellationToken.None).ConfigureAwait(false);
            _clusterMetrics?.Dispose();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task StopComponentsAsync(NodeStopKind kind, CancellationToken cancellationToken)
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            var component = _started[i];
            try
            {
                await component.StopAsync(this, kind, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One part failing to stop must not keep the others (and the leave) from happening.
                NodeLog.ComponentStopFailed(_log, e, SelfNode, component.Name, kind.ToString());
            }
        }

        _started.Clear();
    }

    private async Task LeaveAsync(CancellationToken cancellationToken)
    {
        if (Cluster is null || Cluster.IsStopped)
        {
            return;
        }

        Cluster.Leave();
        try
        {
            var reason = await Cluster.WhenStopped.WaitAsync(LeaveTimeout, TimeProvider, cancellationToken).ConfigureAwait(false);
            NodeLog.Left(_log, SelfNode, reason);
        }
        catch (TimeoutException)
        {
            NodeLog.LeaveUnconfirmed(_log, SelfNode, (long)LeaveTimeout.TotalMilliseconds);
        }
    }
}

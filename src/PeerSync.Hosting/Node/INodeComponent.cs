namespace PeerSync.Hosting.Node;

/// <summary>
/// A part of a node that <see cref="PeerSyncNode"/> starts after remoting and the cluster part
/// exist (before the node joins) and stops before it leaves, in reverse order: persistence, then
/// sync, each in turn. Start may register cluster singletons and subscribe to member events;
/// graceful stop runs while the node is still a member (so it can flush to its peers).
/// </summary>
public interface INodeComponent
{
    /// <summary>A short name for logs ("persistence", "sync").</summary>
    string Name { get; }

    /// <summary>Starts the part. A failure aborts the node's start (what started already is stopped again).</summary>
    Task StartAsync(PeerSyncNode node, CancellationToken cancellationToken);

    /// <summary>
    /// Stops the part. <see cref="NodeStopKind.Graceful"/>: flush, wait (bounded) for peers, release.
    /// <see cref="NodeStopKind.Abrupt"/>: the node was killed and its actor system is already gone;
    /// only release what a dead process would lose (files, sockets), without saying goodbye.
    /// </summary>
    Task StopAsync(PeerSyncNode node, NodeStopKind kind, CancellationToken cancellationToken);
}

/// <summary>How a node stops.</summary>
public enum NodeStopKind
{
    /// <summary><see cref="PeerSyncNode.StopAsync"/>: components flush, the node leaves the cluster, links drain.</summary>
    Graceful,

    /// <summary><see cref="PeerSyncNode.KillAsync"/>: as if the process died: no leave, no flush.</summary>
    Abrupt,
}

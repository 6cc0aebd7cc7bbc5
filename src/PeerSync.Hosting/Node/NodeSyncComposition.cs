using PeerSync.Hosting.Api.Node;
using PeerSync.Hosting.Options;

namespace PeerSync.Hosting.Node;

/// <summary>
/// The one place that decides a node's sync part, for every way of running a node (peersync-node,
/// <c>AddPeerSync</c>): the components to start with the node, and the records, sync state and
/// readiness the node's <see cref="NodeApi"/> serves.
/// </summary>
public sealed record NodeSyncComposition(IReadOnlyList<INodeComponent> Components, NodeSyncParts Parts)
{
    /// <summary>The sync part for <paramref name="options"/>.</summary>
    public static NodeSyncComposition Create(PeerSyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var notRunning = new SyncNotRunning(options.Sync.Mode);
        return new NodeSyncComposition([], notRunning.Parts);
    }
}

using PeerSync.Hosting.Api.Node;
using PeerSync.Hosting.Sync;

namespace PeerSync.Hosting.Node;

/// <summary>
/// The one place that decides a node's sync part, for every way of running a node (peersync-node,
/// <c>AddPeerSync</c>): the <see cref="SyncComponent"/> to start with the node (records store,
/// journal, /system/sync), and, once the node started it, the records, sync state and readiness
/// the node's <see cref="NodeApi"/> serves.
/// </summary>
public sealed class NodeSyncComposition
{
    private NodeSyncComposition(SyncComponent sync) => Sync = sync;

    /// <summary>The sync component (started by the node, first among its components).</summary>
    public SyncComponent Sync { get; }

    /// <summary>The components to put in <see cref="PeerSyncNodeServices.Components"/>, in order.</summary>
    public IReadOnlyList<INodeComponent> Components => [Sync];

    /// <summary>A node's sync part (it reads `peersync.sync` and `peersync.persistence` from the node when it starts); <paramref name="settings"/> null: production defaults.</summary>
    public static NodeSyncComposition Create(SyncComponentSettings? settings = null) => new(new SyncComponent(settings));

    /// <summary>What the node's API serves; call once the node started (the component exposes its parts when started).</summary>
    /// <exception cref="InvalidOperationException">The component has not started.</exception>
    public NodeSyncParts Parts()
    {
        var records = Sync.Records ?? throw new InvalidOperationException("the sync component has not started: start the node first");
        return new NodeSyncParts(records, Sync.Sync, () => Sync.IsReady, () => Sync.NotReadyReason);
    }
}

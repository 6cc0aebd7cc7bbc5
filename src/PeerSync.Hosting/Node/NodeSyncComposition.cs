using PeerSync.Hosting.Api.Node;
using PeerSync.Hosting.Options;

namespace PeerSync.Hosting.Node;

/// <summary>
/// The one place that decides a node's sync part, for every way of running a node (peersync-node,
/// <c>AddPeerSync</c>): the components to start with the node, and, once the node started them,
/// the records, sync state and readiness the node's <see cref="NodeApi"/> serves.
/// </summary>
public sealed class NodeSyncComposition
{
    private readonly Func<NodeSyncParts> _parts;

    private NodeSyncComposition(IReadOnlyList<INodeComponent> components, Func<NodeSyncParts> parts)
    {
        Components = components;
        _parts = parts;
    }

    /// <summary>The components to put in <see cref="PeerSyncNodeServices.Components"/>, in order.</summary>
    public IReadOnlyList<INodeComponent> Components { get; }

    /// <summary>The sync part for <paramref name="options"/>.</summary>
    public static NodeSyncComposition Create(PeerSyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var notRunning = new SyncNotRunning(options.Sync.Mode);
        return new NodeSyncComposition([], () => notRunning.Parts);
    }

    /// <summary>What the node's API serves; call once the node started (components expose their parts when started).</summary>
    public NodeSyncParts Parts() => _parts();
}

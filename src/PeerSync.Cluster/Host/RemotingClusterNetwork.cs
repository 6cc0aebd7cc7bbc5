using PeerSync.Actors;
using PeerSync.Cluster.Host.Wire;
using PeerSync.Remote;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Refs;

namespace PeerSync.Cluster.Host;

/// <summary>
/// The cluster's network over <see cref="Remoting"/>: messages go through remote refs to
/// `/system/cluster` on the target node (all nodes of a cluster run an actor system named after the
/// cluster), links are opened with <see cref="Remoting.Connect"/> and closed for good with
/// <see cref="Remoting.NodeRemoved"/>.
/// </summary>
public sealed class RemotingClusterNetwork(Remoting remoting) : IClusterNetwork
{
    // Refs to the cluster actors of members, by address; touched only on the cluster actor's turn.
    private readonly Dictionary<EndpointAddress, RemoteActorRef> _clusterActors = [];

    public void Send(EndpointAddress to, ClusterDelivery delivery, IActorRef sender)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ClusterActorAt(to, delivery.To).Tell(delivery, sender);
    }

    public void Connect(EndpointAddress address)
    {
        if (!remoting.IsShuttingDown)
        {
            remoting.Connect(address);
        }
    }

    public void NodeRemoved(UniqueNode node)
    {
        foreach (var (address, cached) in _clusterActors.Where(c => c.Value.Node == node).ToList())
        {
            _clusterActors.Remove(address);
        }

        remoting.NodeRemoved(node);
    }

    public IActorRef Resolve(EndpointAddress address, string path) =>
        remoting.ResolveRef(PathAt(address, path));

    /// <summary>
    /// A remote ref binds to the incarnation it first reaches. A ref bound to another incarnation
    /// than the one meant (the node at that address restarted) is replaced, so messages for the new
    /// run do not dead-letter behind the old one's quarantine; probes (no incarnation meant) always
    /// take a fresh ref, bound to whoever is there now.
    /// </summary>
    private IActorRef ClusterActorAt(EndpointAddress address, UniqueNode? meant)
    {
        if (meant is { } node && _clusterActors.TryGetValue(address, out var cached) && (cached.Node is null || cached.Node == node))
        {
            return cached;
        }

        var fresh = remoting.ResolveRef(PathAt(address, Cluster.ActorPath));
        if (meant is not null && fresh is RemoteActorRef remote)
        {
            _clusterActors[address] = remote;
        }

        return fresh;
    }

    private string PathAt(EndpointAddress address, string path) =>
        new Address(Address.LocalProtocol, remoting.System.Name, address.Host, address.Port) + path;
}

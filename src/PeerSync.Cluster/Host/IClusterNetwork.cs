using PeerSync.Actors;
using PeerSync.Cluster.Host.Wire;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Host;

/// <summary>
/// What the <see cref="ClusterActor"/> needs from the network: carry a cluster message to the
/// cluster actor at an address, keep links in step with membership, and give refs to actors on
/// other members (for singleton proxies). Production uses <see cref="RemotingClusterNetwork"/>;
/// tests put several nodes on one deterministic scheduler with an in-process implementation.
/// Methods called by the cluster actor run on its turn; <see cref="Resolve"/> may be called from
/// any actor.
/// </summary>
public interface IClusterNetwork
{
    /// <summary>Sends <paramref name="delivery"/> to `/system/cluster` at <paramref name="to"/>; never blocks or throws for delivery problems.</summary>
    void Send(EndpointAddress to, ClusterDelivery delivery, IActorRef sender);

    /// <summary>Opens (or keeps) a link to the node at <paramref name="address"/>: a seed to probe, or a member.</summary>
    void Connect(EndpointAddress address);

    /// <summary>The cluster removed <paramref name="node"/>: never talk to that incarnation again (watchers of its actors get Terminated).</summary>
    void NodeRemoved(UniqueNode node);

    /// <summary>A ref to the actor at <paramref name="path"/> (e.g. "/system/cluster/singleton") on the node at <paramref name="address"/>.</summary>
    IActorRef Resolve(EndpointAddress address, string path);
}

using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Host.Wire;

/// <summary>
/// A cluster message on its way from one node's <see cref="ClusterActor"/> to another's:
/// the envelope (sender and message) and the incarnation it is meant for (null for seed probes,
/// which go to whoever listens at an address). Serialized by <see cref="ClusterDeliverySerializer"/>.
/// </summary>
public sealed record ClusterDelivery(UniqueNode? To, ClusterEnvelope Envelope);

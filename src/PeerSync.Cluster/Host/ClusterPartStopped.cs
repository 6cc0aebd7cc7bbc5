using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Host;

/// <summary>
/// Published on the event stream (and sent to subscribers that asked for it) when this node's
/// cluster part stops: it was downed or removed, it left, it could not join, or an invariant was
/// violated. The incarnation <see cref="Node"/> never rejoins; a restarted process joins as a new one.
/// </summary>
public sealed record ClusterPartStopped(UniqueNode Node, string Reason);

using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.PeerState;

/// <summary>
/// Published on the event stream after the <see cref="PeerStateService"/> has recorded
/// <see cref="Current"/>: a subscriber that queries the service on this event sees this status or
/// a later one, never an earlier one. Events of one service are published in version order.
/// </summary>
public sealed record PeerStateChanged(PeerStatus? Previous, PeerStatus Current);

/// <summary>
/// This node quarantined <paramref name="Node"/>: that incarnation is never talked to again, its
/// actors' watchers got Terminated (AddressTerminated) and messages for it are dead letters.
/// </summary>
public sealed record PeerQuarantined(UniqueNode Node, string Reason);

/// <summary>
/// A peer refused this node's session because it quarantined this node's incarnation (for example
/// the cluster downed it). This incarnation cannot talk to that peer again; the host should restart
/// the node (a new incarnation) if it wants to rejoin.
/// </summary>
public sealed record QuarantinedByPeer(UniqueNode Peer, string Detail);

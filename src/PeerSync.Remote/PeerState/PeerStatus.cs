using PeerSync.Remote.Addressing;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Links;

namespace PeerSync.Remote.PeerState;

/// <summary>One peer's connectivity, as the <see cref="PeerStateService"/> holds it.</summary>
/// <param name="Peer">The peer's node id.</param>
/// <param name="State">Its link's state.</param>
/// <param name="Node">The incarnation concerned (the connected one, or the last one seen); null before any handshake.</param>
/// <param name="Identity">What the peer said about itself in its last handshake (startup time, roles,
/// data epoch, advertised address); null before any handshake.</param>
/// <param name="Version">Increases with every change of any peer's status (one counter per service),
/// so a later status has a higher version.</param>
/// <param name="Since">When the status was set (on the system's clock).</param>
/// <param name="Reason">Why it changed, for people.</param>
public sealed record PeerStatus(
    NodeId Peer,
    PeerLinkState State,
    UniqueNode? Node,
    NodeIdentity? Identity,
    long Version,
    DateTimeOffset Since,
    string Reason)
{
    public bool IsAvailable => State == PeerLinkState.Connected;

    public override string ToString() => $"{Node?.ToString() ?? Peer.Value} {State} (v{Version}): {Reason}";
}

using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Links;

/// <summary>An authenticated session as the link machine sees it: an opaque id chosen by the host plus the facts the tie-break needs.</summary>
/// <param name="Id">The host's id for the session (unique per link).</param>
/// <param name="Peer">The peer's node and incarnation, from the handshake.</param>
/// <param name="PeerAddress">Where the peer says it can be dialed (its advertised address).</param>
/// <param name="DialedBySelf">True when this node dialed; false for a session the peer dialed.</param>
/// <param name="EstablishedAtMs">When the handshake completed, on the host's clock.</param>
public sealed record LinkSession(long Id, UniqueNode Peer, EndpointAddress PeerAddress, bool DialedBySelf, long EstablishedAtMs)
{
    public override string ToString() => $"session {Id} ({(DialedBySelf ? "dialed" : "accepted")}) with {Peer}";
}

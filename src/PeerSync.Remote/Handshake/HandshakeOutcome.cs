using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Handshake;

/// <summary>How a handshake ended: the authenticated peer, or the reason it failed.</summary>
public sealed record HandshakeOutcome
{
    private HandshakeOutcome(NodeIdentity? peer, DisconnectReason reason, string detail, bool byPeer)
    {
        Peer = peer;
        Reason = reason;
        Detail = detail;
        ByPeer = byPeer;
    }

    /// <summary>The authenticated peer; null when the handshake failed.</summary>
    public NodeIdentity? Peer { get; }

    public bool Succeeded => Peer is not null;

    /// <summary>Why it failed (also the code sent to the peer when this side rejected).</summary>
    public DisconnectReason Reason { get; }

    /// <summary>A sentence for the log; never contains the secret or a MAC.</summary>
    public string Detail { get; }

    /// <summary>True when the peer rejected us or went away, false when this side rejected the peer.</summary>
    public bool ByPeer { get; }

    public static HandshakeOutcome Established(NodeIdentity peer) => new(peer, DisconnectReason.Unspecified, "established", byPeer: false);

    public static HandshakeOutcome Rejected(DisconnectReason reason, string detail) => new(null, reason, detail, byPeer: false);

    public static HandshakeOutcome RejectedByPeer(DisconnectReason reason, string detail) => new(null, reason, detail, byPeer: true);

    public override string ToString() =>
        Succeeded ? $"established with {Peer}" : $"failed ({(ByPeer ? "by peer" : "local")}): {Reason}: {Detail}";
}

using PeerSync.Remote.Handshake;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Session;

/// <summary>The result of dialing or accepting: a session, or why there is none (the connection is then closed).</summary>
/// <param name="ClaimedPeer">Who the peer said it was, authenticated or not (null before a
/// well-formed Hello); for logs.</param>
public sealed record HandshakeResult(PeerSession? Session, HandshakeOutcome Outcome, NodeIdentity? ClaimedPeer)
{
    /// <summary>The claimed peer for a log line, or "unknown".</summary>
    public string ClaimedPeerText => ClaimedPeer?.Node.ToString() ?? "unknown";

    public bool Succeeded => Session is not null;

    public DisconnectReason Reason => Outcome.Reason;

    public string Detail => Outcome.Detail;

    public override string ToString() => Succeeded ? Session!.ToString() : Outcome.ToString();
}

using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Transport;

/// <summary>Why a connection closed.</summary>
/// <param name="Reason">The reason code (also what was sent to the peer, when it could be).</param>
/// <param name="Detail">A sentence for the log naming the problem, e.g. the frame size and the limit.</param>
/// <param name="ByPeer">True when the peer closed (a Disconnect notice, end of stream or reset).</param>
public sealed record ConnectionClosed(DisconnectReason Reason, string Detail, bool ByPeer)
{
    public override string ToString() => $"{Reason} ({(ByPeer ? "by peer" : "local")}): {Detail}";
}

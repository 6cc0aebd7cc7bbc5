using PeerSync.Remote.Addressing;
using PeerSync.Remote.Session;

namespace PeerSync.Remote.Links;

/// <summary>
/// An established session for the link of its peer (accepted, or dialed to learn who is at an
/// address). <see cref="Wake"/> is set by the links actor when it tells the link (it wakes a dormant link).
/// </summary>
internal sealed record OfferSession(PeerSession Session, bool DialedBySelf)
{
    public WakeSeq Wake { get; init; }
}

/// <summary>The outcome of a dial a link started.</summary>
internal sealed record DialCompleted(long Attempt, EndpointAddress Address, HandshakeResult Result);

/// <summary>Time to look at retries and heartbeats.</summary>
internal sealed class LinkTick
{
    public static readonly LinkTick Instance = new();
}

/// <summary>Runs the machine's first effects after the actor started.</summary>
internal sealed class LinkStart
{
    public static readonly LinkStart Instance = new();
}

/// <summary>Dial <see cref="Address"/> if not connected; <see cref="Wake"/> is set by the links actor when it tells the link (it wakes a dormant link).</summary>
internal sealed record ConnectLink(EndpointAddress Address)
{
    public WakeSeq Wake { get; init; }
}

internal sealed record DisconnectLink(string Reason);

internal sealed record QuarantineLink(Incarnation Incarnation, string Reason);

/// <summary>
/// A link reached Disconnected and went dormant, after handling wake <paramref name="Handled"/>; stale
/// when the links actor has told it a later wake since (see <see cref="LinkRoster"/>).
/// </summary>
internal sealed record LinkStopped(NodeId Peer, WakeSeq Handled);

/// <summary>Make sure a link for the peer exists (and dial <see cref="Address"/> when given).</summary>
internal sealed record EnsureLink(NodeId Peer, EndpointAddress? Address);

/// <summary>A command for one link; a link that does not exist is created for <see cref="ConnectLink"/> only.</summary>
internal sealed record LinkCommand(NodeId Peer, object Command);

/// <summary>Disconnect every link; answered with <see cref="AllLinksStopped"/> once none is left.</summary>
internal sealed record DisconnectAll(string Reason);

internal sealed class AllLinksStopped
{
    public static readonly AllLinksStopped Instance = new();
}

/// <summary>Learn which node is at <see cref="Address"/> by dialing it (retried with backoff).</summary>
internal sealed record Discover(EndpointAddress Address, bool ResetBackoff);

internal sealed record DiscoveryCompleted(EndpointAddress Address, long Attempt, HandshakeResult Result);

internal sealed record RetryDiscovery(EndpointAddress Address);

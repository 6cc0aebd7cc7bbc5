using PeerSync.Remote.Addressing;
using PeerSync.Remote.Session;

namespace PeerSync.Remote.Links;

/// <summary>An established session for the link of its peer (accepted, or dialed to learn who is at an address).</summary>
internal sealed record OfferSession(PeerSession Session, bool DialedBySelf);

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

internal sealed record ConnectLink(EndpointAddress Address);

internal sealed record DisconnectLink(string Reason);

internal sealed record QuarantineLink(Incarnation Incarnation, string Reason);

/// <summary>A link reached Disconnected; its parent forgets it and stops it after what is already in its mailbox.</summary>
internal sealed record LinkStopped(NodeId Peer);

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

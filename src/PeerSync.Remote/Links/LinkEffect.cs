using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Links;

/// <summary>Something the host of a <see cref="PeerLinkMachine"/> must do, in the order given.</summary>
public abstract record LinkEffect;

/// <summary>Dial <paramref name="Address"/>; report the outcome with the same <paramref name="Attempt"/>.</summary>
public sealed record DialPeer(long Attempt, EndpointAddress Address) : LinkEffect;

/// <summary>
/// Make <paramref name="Session"/> the one that carries messages. When <paramref name="Replaced"/>
/// is set, close it with SHUTDOWN and <paramref name="ReplacedDetail"/> and stop using it first: no
/// frame of the old session is read or written once the new one starts.
/// </summary>
public sealed record ActivateSession(LinkSession Session, LinkSession? Replaced, string? ReplacedDetail) : LinkEffect;

/// <summary>
/// Close a session (a tie-break loser, or the active one on disconnect, timeout or quarantine).
/// With <paramref name="FlushFirst"/> (an orderly disconnect) the host first waits, bounded by
/// link.shutdown-flush-timeout, until what is buffered for the peer has been acknowledged.
/// </summary>
public sealed record CloseSession(long SessionId, DisconnectReason Reason, string Detail, bool FlushFirst = false) : LinkEffect;

/// <summary>Send a heartbeat request on the active session.</summary>
public sealed record SendHeartbeat : LinkEffect
{
    public static SendHeartbeat Instance { get; } = new();
}

/// <summary>Call <see cref="PeerLinkMachine.Tick"/> at <paramref name="AtMs"/> (replaces an earlier request).</summary>
public sealed record ScheduleRetry(long AtMs) : LinkEffect;

/// <summary>The peer came back with a new incarnation: quarantine the previous one before the new session starts.</summary>
public sealed record QuarantinePrevious(UniqueNode Previous, UniqueNode Current) : LinkEffect;

/// <summary>The link's connectivity changed; <paramref name="Peer"/> is the incarnation concerned, when known.</summary>
public sealed record LinkStateChanged(PeerLinkState From, PeerLinkState To, UniqueNode? Peer, string Reason) : LinkEffect;

/// <summary>The link is done (state Disconnected): the host stops and fails what it still buffers with <paramref name="Reason"/>.</summary>
public sealed record StopLink(string Reason) : LinkEffect;

using Microsoft.Extensions.Logging;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Links;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote;

/// <summary>Log lines of the link layer (links, delivery, quarantine), structured, one vocabulary.</summary>
internal static partial class LinkLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Node {NodeId}: link to {PeerId} {From} -> {To}: {Reason}")]
    public static partial void StateChanged(ILogger logger, NodeId nodeId, string peerId, PeerLinkState from, PeerLinkState to, string reason);

    [LoggerMessage(EventId = 201, Level = LogLevel.Debug, Message = "Node {NodeId}: link to {PeerId}: {Detail}")]
    public static partial void Notice(ILogger logger, NodeId nodeId, NodeId peerId, string detail);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Node {NodeId} quarantined {PeerId}: {Reason}")]
    public static partial void Quarantined(ILogger logger, NodeId nodeId, UniqueNode peerId, string reason);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Node {NodeId}: closing the session with {PeerId}: {Reason}: {Detail}")]
    public static partial void ProtocolViolation(ILogger logger, NodeId nodeId, UniqueNode peerId, DisconnectReason reason, string detail);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "Node {NodeId}: {Count} message(s) for {PeerId} dead-lettered ({Reason}), e.g. {MessageType} to {Recipient}: {Detail}")]
    public static partial void DeliveryFailed(ILogger logger, NodeId nodeId, string peerId, string reason, long count, string messageType, string recipient, string detail);

    [LoggerMessage(EventId = 205, Level = LogLevel.Critical, Message = "Node {NodeId}: the {Loop} of the session with {PeerId} failed unexpectedly; closing the session")]
    public static partial void LoopFailed(ILogger logger, Exception exception, NodeId nodeId, string loop, UniqueNode peerId);

    [LoggerMessage(EventId = 206, Level = LogLevel.Debug, Message = "Node {NodeId}: dialing {Endpoint} failed: {Reason}: {Detail}; retrying in {Delay}")]
    public static partial void DiscoveryFailed(ILogger logger, NodeId nodeId, EndpointAddress endpoint, DisconnectReason reason, string detail, TimeSpan delay);

    [LoggerMessage(EventId = 207, Level = LogLevel.Information, Message = "Node {NodeId}: {Endpoint} is node {PeerId}")]
    public static partial void Discovered(ILogger logger, NodeId nodeId, EndpointAddress endpoint, UniqueNode peerId);

    [LoggerMessage(EventId = 208, Level = LogLevel.Warning, Message = "Node {NodeId}: refused a session with {PeerId}: {Reason}")]
    public static partial void SessionRefused(ILogger logger, NodeId nodeId, UniqueNode peerId, string reason);

    [LoggerMessage(EventId = 209, Level = LogLevel.Warning, Message = "Node {NodeId}: peer {PeerId} quarantined this node: {Detail}")]
    public static partial void QuarantinedByPeer(ILogger logger, NodeId nodeId, UniqueNode peerId, string detail);

    [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Node {NodeId}: remoting started on {Endpoint} as {Address}")]
    public static partial void Started(ILogger logger, NodeId nodeId, EndpointAddress endpoint, string address);

    [LoggerMessage(EventId = 211, Level = LogLevel.Information, Message = "Node {NodeId}: remoting stopped ({QueueDepth} message(s) still buffered were dead-lettered)")]
    public static partial void Stopped(ILogger logger, NodeId nodeId, long queueDepth);

    [LoggerMessage(EventId = 212, Level = LogLevel.Debug, Message = "Node {NodeId}: shutdown waits for {Count} dial(s) in flight to be over")]
    public static partial void ShutdownAwaitsDials(ILogger logger, NodeId nodeId, int count);
}

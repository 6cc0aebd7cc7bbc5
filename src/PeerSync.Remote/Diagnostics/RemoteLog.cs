using Microsoft.Extensions.Logging;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote;

/// <summary>
/// Every log line of the remote layer, as source-generated structured templates. Properties use
/// the shared vocabulary: NodeId (this node), PeerId (the other), Reason, Detail, Endpoint.
/// </summary>
internal static partial class RemoteLog
{
    [LoggerMessage(EventId = 100, Message = "Connection {ConnectionId} with {Endpoint} closed by {ClosedBy}: {Reason}: {Detail}")]
    public static partial void ConnectionClosed(
        ILogger logger, LogLevel level, string connectionId, EndpointAddress endpoint, DisconnectReason reason, string closedBy, string detail);

    [LoggerMessage(EventId = 101, Level = LogLevel.Critical, Message = "Connection {ConnectionId} with {Endpoint}: the writer failed unexpectedly; closing the connection")]
    public static partial void WriterFailed(ILogger logger, Exception exception, string connectionId, EndpointAddress endpoint);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Listening on {Endpoint} ({Transport})")]
    public static partial void Listening(ILogger logger, EndpointAddress endpoint, string transport);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Stopped listening on {Endpoint} ({Transport})")]
    public static partial void StoppedListening(ILogger logger, EndpointAddress endpoint, string transport);

    [LoggerMessage(EventId = 112, Level = LogLevel.Error, Message = "Accepting on {Endpoint} failed; retrying: {Detail}")]
    public static partial void AcceptFailed(ILogger logger, EndpointAddress endpoint, string detail);

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "TLS handshake with {Endpoint} failed: {Detail}")]
    public static partial void TlsHandshakeFailed(ILogger logger, EndpointAddress endpoint, string detail);

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning, Message = "Refused connection from {Endpoint}: {Reason}: {Detail}")]
    public static partial void ConnectionRefused(ILogger logger, EndpointAddress endpoint, DisconnectReason reason, string detail);

    [LoggerMessage(EventId = 130, Level = LogLevel.Information, Message = "Node {NodeId} established {Direction} session with {PeerId} at {Endpoint} (connection {ConnectionId})")]
    public static partial void SessionEstablished(
        ILogger logger, NodeId nodeId, string direction, UniqueNode peerId, EndpointAddress endpoint, string connectionId);

    [LoggerMessage(EventId = 131, Level = LogLevel.Warning, Message = "Node {NodeId}: handshake on connection {ConnectionId} with {Endpoint} (peer {PeerId}) failed: {Reason}: {Detail}")]
    public static partial void HandshakeFailed(
        ILogger logger, NodeId nodeId, string connectionId, EndpointAddress endpoint, string peerId, DisconnectReason reason, string detail);

    [LoggerMessage(EventId = 132, Level = LogLevel.Error, Message = "Node {NodeId}: the session callback failed for {PeerId}; closing the session")]
    public static partial void SessionCallbackFailed(ILogger logger, Exception exception, NodeId nodeId, UniqueNode peerId);
}

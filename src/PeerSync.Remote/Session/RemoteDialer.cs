using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Session;

/// <summary>
/// Opens authenticated sessions to other nodes: dial, then handshake as initiator. Each attempt is
/// one connection; retrying with backoff is the caller's (the link layer's) decision.
/// </summary>
public sealed class RemoteDialer
{
    private readonly ITransport _transport;
    private readonly HandshakeRunner _runner;
    private readonly ILogger _logger;

    public RemoteDialer(ITransport transport, HandshakeRunner runner, ILogger? logger = null)
    {
        _transport = transport;
        _runner = runner;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Connects to <paramref name="address"/>. A connection that cannot be made (refused, unknown
    /// host, TLS refused) is a failed result with CONNECTION_LOST and the transport's explanation,
    /// not an exception: the peer being down is an expected condition.
    /// </summary>
    public async Task<HandshakeResult> ConnectAsync(EndpointAddress address, CancellationToken cancellationToken = default)
    {
        IFrameConnection connection;
        try
        {
            connection = await _transport.DialAsync(address, cancellationToken).ConfigureAwait(false);
        }
        catch (TransportException ex)
        {
            return new HandshakeResult(null, HandshakeOutcome.Rejected(DisconnectReason.ConnectionLost, ex.Message), null);
        }

        var self = _runner.Config.Self.Id;
        var result = await _runner.RunAsync(connection, HandshakeRole.Initiator, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            RemoteLog.SessionEstablished(_logger, self, "outbound", result.Session!.Peer.Node, address, connection.Id);
        }
        else
        {
            RemoteLog.HandshakeFailed(_logger, self, connection.Id, address, result.ClaimedPeerText, result.Reason, result.Detail);
        }

        return result;
    }
}

using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Transport.Tcp;

namespace PeerSync.Remote.Transport.Tls;

/// <summary>
/// TCP under TLS (<see cref="SslStream"/>, TLS 1.2 or 1.3 as the OS offers). The TLS handshake is
/// bounded by the handshake timeout on both sides and runs off the accept loop, so a silent or
/// failing peer holds up nobody else. Certificates are checked per <see cref="TlsSettings"/>.
/// </summary>
public sealed class TlsTransport : ITransport
{
    public TlsTransport(TransportSettings settings, TlsSettings tls, ILoggerFactory? loggerFactory = null)
    {
        Settings = settings;
        Tls = tls;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("PeerSync.Remote.Transport.Tls");
    }

    public string Name => "tls";

    public TransportCounters Counters { get; } = new();

    internal TransportSettings Settings { get; }

    internal TlsSettings Tls { get; }

    internal ILogger Logger { get; }

    public async ValueTask<ITransportListener> ListenAsync(EndpointAddress address, CancellationToken cancellationToken = default)
    {
        var socket = await TcpSockets.ListenAsync(address, cancellationToken).ConfigureAwait(false);
        var bound = TcpSockets.LocalAddress(socket, address);
        Counters.ListenerOpened();
        RemoteLog.Listening(Logger, bound, Name);
        return new TlsTransportListener(this, socket, bound);
    }

    public async ValueTask<IFrameConnection> DialAsync(EndpointAddress address, CancellationToken cancellationToken = default)
    {
        using var deadline = new CancellationTokenSource(Settings.HandshakeTimeout, Settings.TimeProvider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var socket = await TcpSockets.ConnectAsync(address, timeout.Token).ConfigureAwait(false);
        string? rejection = null;
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = address.Host,
            ClientCertificateContext = Tls.CertificateContext,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                rejection = Tls.Check(certificate, errors, peerIsServer: true);
                return rejection is null;
            },
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsHandshakeFailure(ex))
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            var why = ex is OperationCanceledException
                ? $"the TLS handshake did not finish within {Settings.HandshakeTimeout.TotalMilliseconds:0} ms"
                : rejection ?? ex.Message;
            throw new TransportException($"TLS connection to {address} failed: {why}", ex);
        }

        var local = TcpSockets.LocalAddress(socket, address);
        return new FramedConnection(new StreamDuplex(socket, ssl), Settings, Counters, Logger, local, address, isInbound: false);
    }

    /// <summary>The server side of the TLS handshake on an accepted socket; null (logged) when it fails.</summary>
    internal async Task<IFrameConnection?> AuthenticateInboundAsync(Socket socket, EndpointAddress listening, CancellationToken stopping)
    {
        var remote = TcpSockets.RemoteAddress(socket, listening);
        string? rejection = null;
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = Tls.CertificateContext,
            ClientCertificateRequired = Tls.RequireClientCertificate,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                rejection = Tls.Check(certificate, errors, peerIsServer: false);
                return rejection is null;
            },
        };
        using var deadline = new CancellationTokenSource(Settings.HandshakeTimeout, Settings.TimeProvider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token);
        try
        {
            await ssl.AuthenticateAsServerAsync(options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsHandshakeFailure(ex))
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            var why = ex is OperationCanceledException
                ? stopping.IsCancellationRequested
                    ? "the listener stopped"
                    : $"no complete TLS handshake within {Settings.HandshakeTimeout.TotalMilliseconds:0} ms"
                : rejection ?? ex.Message;
            RemoteLog.TlsHandshakeFailed(Logger, remote, why);
            return null;
        }

        var local = TcpSockets.LocalAddress(socket, listening);
        return new FramedConnection(new StreamDuplex(socket, ssl), Settings, Counters, Logger, local, remote, isInbound: true);
    }

    /// <summary>What a TLS handshake throws when the peer, the network or the deadline ends it.</summary>
    private static bool IsHandshakeFailure(Exception ex) =>
        ex is AuthenticationException or IOException or OperationCanceledException or SocketException
            or ObjectDisposedException or InvalidOperationException;
}

using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Transport.Tcp;

/// <summary>
/// Plain TCP: one socket per connection, TCP_NODELAY, input through System.IO.Pipelines, output
/// written in batches by the connection's writer loop.
/// </summary>
public sealed class TcpTransport : ITransport
{
    public TcpTransport(TransportSettings? settings = null, ILoggerFactory? loggerFactory = null)
    {
        Settings = settings ?? new TransportSettings();
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("PeerSync.Remote.Transport.Tcp");
    }

    public string Name => "tcp";

    public TransportCounters Counters { get; } = new();

    internal TransportSettings Settings { get; }

    internal ILogger Logger { get; }

    public async ValueTask<ITransportListener> ListenAsync(EndpointAddress address, CancellationToken cancellationToken = default)
    {
        var socket = await TcpSockets.ListenAsync(address, cancellationToken).ConfigureAwait(false);
        var bound = TcpSockets.LocalAddress(socket, address);
        Counters.ListenerOpened();
        RemoteLog.Listening(Logger, bound, Name);
        return new TcpTransportListener(this, socket, bound);
    }

    public async ValueTask<IFrameConnection> DialAsync(EndpointAddress address, CancellationToken cancellationToken = default)
    {
        var socket = await TcpSockets.ConnectAsync(address, cancellationToken).ConfigureAwait(false);
        return Wrap(socket, address, isInbound: false);
    }

    internal IFrameConnection Wrap(Socket socket, EndpointAddress fallback, bool isInbound)
    {
        var local = TcpSockets.LocalAddress(socket, fallback);
        var remote = isInbound ? TcpSockets.RemoteAddress(socket, fallback) : fallback;
        var duplex = new StreamDuplex(socket, new NetworkStream(socket, ownsSocket: true));
        return new FramedConnection(duplex, Settings, Counters, Logger, local, remote, isInbound);
    }
}

using System.Net.Sockets;
using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Transport.Tcp;

internal sealed class TcpTransportListener : ITransportListener
{
    private readonly TcpTransport _transport;
    private readonly Socket _socket;
    private int _disposed;

    public TcpTransportListener(TcpTransport transport, Socket socket, EndpointAddress localAddress)
    {
        _transport = transport;
        _socket = socket;
        LocalAddress = localAddress;
    }

    public EndpointAddress LocalAddress { get; }

    public async ValueTask<IFrameConnection?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        var socket = await AcceptSocketAsync(_socket, LocalAddress, () => Volatile.Read(ref _disposed) != 0, cancellationToken)
            .ConfigureAwait(false);
        if (socket is null)
        {
            return null;
        }

        TcpSockets.Configure(socket);
        return _transport.Wrap(socket, LocalAddress, isInbound: true);
    }

    /// <summary>
    /// The next accepted socket; null once the listener is closed. Errors that concern only one
    /// incoming connection are skipped; others become a <see cref="TransportException"/>.
    /// </summary>
    internal static async ValueTask<Socket?> AcceptSocketAsync(
        Socket listening, EndpointAddress address, Func<bool> stopped, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (stopped())
            {
                return null;
            }

            try
            {
                return await listening.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException ex) when (TcpSockets.IsShutdownAcceptError(ex.SocketErrorCode) || stopped())
            {
                return null;
            }
            catch (SocketException ex) when (TcpSockets.IsTransientAcceptError(ex.SocketErrorCode))
            {
                continue;
            }
            catch (SocketException ex)
            {
                throw new TransportException($"accepting on {address} failed: {ex.Message} ({ex.SocketErrorCode})", ex);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
            _transport.Counters.ListenerClosed();
            RemoteLog.StoppedListening(_transport.Logger, LocalAddress, _transport.Name);
        }

        return ValueTask.CompletedTask;
    }
}

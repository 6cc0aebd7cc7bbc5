using System.Net.Sockets;
using System.Threading.Channels;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Transport.Tcp;

namespace PeerSync.Remote.Transport.Tls;

/// <summary>
/// Accepts sockets in a loop of its own and runs each TLS handshake as a separate task, bounded in
/// number (max-pending-handshakes) and in time (handshake-timeout). Authenticated connections wait
/// in a channel for <see cref="AcceptAsync"/>.
/// </summary>
internal sealed class TlsTransportListener : ITransportListener
{
    private readonly TlsTransport _transport;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<IFrameConnection> _ready = Channel.CreateUnbounded<IFrameConnection>();
    private readonly Task _acceptLoop;
    private int _pending;
    private int _disposed;

    public TlsTransportListener(TlsTransport transport, Socket socket, EndpointAddress localAddress)
    {
        _transport = transport;
        _socket = socket;
        LocalAddress = localAddress;
        _acceptLoop = Task.Run(RunAcceptLoopAsync);
    }

    public EndpointAddress LocalAddress { get; }

    public async ValueTask<IFrameConnection?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _ready.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex) when (ex.InnerException is TransportException inner)
        {
            throw new TransportException(inner.Message, inner);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    private async Task RunAcceptLoopAsync()
    {
        var handshakes = new List<Task>();
        try
        {
            while (true)
            {
                Socket? socket;
                try
                {
                    socket = await TcpTransportListener.AcceptSocketAsync(
                        _socket, LocalAddress, () => _stopping.IsCancellationRequested, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (TransportException ex)
                {
                    RemoteLog.AcceptFailed(_transport.Logger, LocalAddress, ex.Message);
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _transport.Settings.TimeProvider, CancellationToken.None)
                        .ConfigureAwait(false);
                    continue;
                }

                if (socket is null)
                {
                    break;
                }

                TcpSockets.Configure(socket);
                if (Interlocked.Increment(ref _pending) > _transport.Settings.MaxPendingHandshakes)
                {
                    Interlocked.Decrement(ref _pending);
                    var remote = TcpSockets.RemoteAddress(socket, LocalAddress);
                    socket.Dispose();
                    RemoteLog.ConnectionRefused(
                        _transport.Logger, remote, DisconnectReason.Overloaded,
                        $"{_transport.Settings.MaxPendingHandshakes} TLS handshakes already pending (max-pending-handshakes)");
                    continue;
                }

                handshakes.RemoveAll(t => t.IsCompleted);
                handshakes.Add(HandshakeAsync(socket));
            }
        }
        finally
        {
            await Task.WhenAll(handshakes).ConfigureAwait(false);
            _ready.Writer.TryComplete();
        }
    }

    private async Task HandshakeAsync(Socket socket)
    {
        _transport.Counters.TlsHandshakeStarted();
        IFrameConnection? connection = null;
        try
        {
            connection = await _transport.AuthenticateInboundAsync(socket, LocalAddress, _stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
            _transport.Counters.TlsHandshakeEnded(failed: connection is null);
        }

        if (connection is not null && !_ready.Writer.TryWrite(connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        while (_ready.Reader.TryRead(out var connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _transport.Counters.ListenerClosed();
        RemoteLog.StoppedListening(_transport.Logger, LocalAddress, _transport.Name);
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Session;

/// <summary>
/// Accepts connections on a transport listener, runs the handshake on each (concurrently, at most
/// max-pending-handshakes at once, each bounded by the handshake timeout) and hands every
/// authenticated <see cref="PeerSession"/> to a callback, which then owns it. A connection that
/// fails its handshake is closed with the reason logged and, where possible, sent to the peer;
/// nothing one peer does stops the listener from serving the others.
/// </summary>
public sealed class RemoteListener : IAsyncDisposable
{
    private readonly ITransportListener _listener;
    private readonly HandshakeRunner _runner;
    private readonly Func<PeerSession, CancellationToken, Task> _onSession;
    private readonly int _maxPendingHandshakes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();

    /// <summary>Running handshake tasks, for <see cref="DisposeAsync"/> to wait on; guarded by <see cref="_gate"/>.</summary>
    private readonly HashSet<Task> _handshakes = [];

    private readonly Task _acceptLoop;

    /// <summary>
    /// Handshakes started and not yet finished; guarded by <see cref="_gate"/>. Counted apart from
    /// <see cref="_handshakes"/> because each handshake gives its slot back inside its own task, so
    /// the slot is free by the time anyone sees the task complete; the set is pruned by a
    /// continuation, which may run after a waiter (DisposeAsync, a new accept) already went on.
    /// </summary>
    private int _pendingHandshakes;

    private long _established;
    private long _failed;
    private int _disposed;

    private RemoteListener(
        ITransportListener listener,
        HandshakeRunner runner,
        Func<PeerSession, CancellationToken, Task> onSession,
        int maxPendingHandshakes,
        TimeProvider time,
        ILogger logger)
    {
        _listener = listener;
        _runner = runner;
        _onSession = onSession;
        _maxPendingHandshakes = maxPendingHandshakes;
        _time = time;
        _logger = logger;
        _acceptLoop = Task.Run(RunAcceptLoopAsync);
    }

    /// <summary>Where the listener accepts (with the actual port when port 0 was asked for).</summary>
    public EndpointAddress LocalAddress => _listener.LocalAddress;

    /// <summary>Handshakes running right now.</summary>
    public int PendingHandshakes
    {
        get
        {
            lock (_gate)
            {
                return _pendingHandshakes;
            }
        }
    }

    public long SessionsEstablished => Interlocked.Read(ref _established);

    public long HandshakesFailed => Interlocked.Read(ref _failed);

    /// <summary>
    /// Listens on <paramref name="address"/> and starts accepting.
    /// </summary>
    /// <param name="onSession">Receives each established session and owns it from then on; the
    /// token is cancelled when the listener stops. An exception from it closes that session.</param>
    /// <param name="maxPendingHandshakes">Connections beyond this many unfinished handshakes are
    /// closed at once with OVERLOADED.</param>
    public static async Task<RemoteListener> StartAsync(
        ITransport transport,
        EndpointAddress address,
        HandshakeRunner runner,
        Func<PeerSession, CancellationToken, Task> onSession,
        int maxPendingHandshakes = 128,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(onSession);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPendingHandshakes, 1);
        var listener = await transport.ListenAsync(address, cancellationToken).ConfigureAwait(false);
        return Start(listener, runner, onSession, maxPendingHandshakes, timeProvider, logger);
    }

    /// <summary>
    /// Starts accepting on a transport listener that is already bound (a host that must know its
    /// port before it can build its identity binds first). The remote listener owns
    /// <paramref name="listener"/> from here on and disposes it.
    /// </summary>
    public static RemoteListener Start(
        ITransportListener listener,
        HandshakeRunner runner,
        Func<PeerSession, CancellationToken, Task> onSession,
        int maxPendingHandshakes = 128,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(onSession);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPendingHandshakes, 1);
        return new RemoteListener(
            listener, runner, onSession, maxPendingHandshakes, timeProvider ?? TimeProvider.System, logger ?? NullLogger.Instance);
    }

    private NodeId Self => _runner.Config.Self.Id;

    private async Task RunAcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            IFrameConnection? connection;
            try
            {
                connection = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (TransportException ex)
            {
                // Such as running out of file descriptors: log, give the system a moment, go on.
                RemoteLog.AcceptFailed(_logger, LocalAddress, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            if (connection is null)
            {
                break;
            }

            lock (_gate)
            {
                if (_pendingHandshakes >= _maxPendingHandshakes)
                {
                    var detail = $"{_maxPendingHandshakes} handshakes already pending (max-pending-handshakes); retry later";
                    RemoteLog.ConnectionRefused(_logger, connection.RemoteEndpoint, DisconnectReason.Overloaded, detail);
                    Interlocked.Increment(ref _failed);
                    connection.Close(DisconnectReason.Overloaded, detail);
                    continue;
                }

                _pendingHandshakes++;
                var handshake = HandshakeAsync(connection);
                _handshakes.Add(handshake);
                _ = handshake.ContinueWith(
                    (done, _) => Forget(done), null, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Drops a finished handshake's task, so the set does not keep its connection alive.</summary>
    private void Forget(Task handshake)
    {
        lock (_gate)
        {
            _handshakes.Remove(handshake);
        }
    }

    /// <summary>Runs one handshake in a slot the accept loop took for it, and gives the slot back before the task completes.</summary>
    private async Task HandshakeAsync(IFrameConnection connection)
    {
        try
        {
            // Yield so that the accept loop goes on at once, whatever the handshake does.
            await Task.Yield();
            await HandshakeCoreAsync(connection).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _pendingHandshakes--;
            }
        }
    }

    private async Task HandshakeCoreAsync(IFrameConnection connection)
    {
        HandshakeResult result;
        try
        {
            result = await _runner.RunAsync(connection, HandshakeRole.Acceptor, _stopping.Token).ConfigureAwait(false);
        }
        catch
        {
            // A bug, not bad input: do not leave the connection open while the exception surfaces
            // (through DisposeAsync, which awaits every handshake).
            connection.Close(DisconnectReason.Shutdown, "internal error in the handshake");
            throw;
        }

        if (!result.Succeeded)
        {
            Interlocked.Increment(ref _failed);
            RemoteLog.HandshakeFailed(
                _logger, Self, connection.Id, connection.RemoteEndpoint, result.ClaimedPeerText, result.Reason, result.Detail);
            await connection.Completion.ConfigureAwait(false);
            return;
        }

        var session = result.Session!;
        Interlocked.Increment(ref _established);
        RemoteLog.SessionEstablished(_logger, Self, "inbound", session.Peer.Node, connection.RemoteEndpoint, connection.Id);

        // The handshake slot is free from here on: the session belongs to the callback, however
        // long it keeps it.
        _ = HandOverAsync(session);
    }

    private async Task HandOverAsync(PeerSession session)
    {
        try
        {
            await _onSession(session, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            RemoteLog.SessionCallbackFailed(_logger, ex, Self, session.Peer.Node);
            session.Close(DisconnectReason.Shutdown, "the node could not take the session");
        }
    }

    /// <summary>
    /// Stops accepting, cancels running handshakes (closing their connections) and waits for them,
    /// so <see cref="PendingHandshakes"/> is 0 when it returns. Sessions already handed to the
    /// callback stay open: their owner closes them.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _acceptLoop.ConfigureAwait(false);
        Task[] running;
        lock (_gate)
        {
            running = [.. _handshakes];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        _stopping.Dispose();
    }
}

using PeerSync.Remote.Handshake;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Session;

/// <summary>
/// An authenticated connection: the frame connection plus who is at the other end. Whoever holds
/// a session owns it and must close it; frames the peer sent right after the handshake are still
/// waiting in <see cref="Connection"/>, none are consumed by the handshake.
/// </summary>
public sealed class PeerSession : IAsyncDisposable
{
    private readonly object _gate = new();
    private Action<PeerSession>? _onClosed;
    private bool _closed;

    public PeerSession(IFrameConnection connection, NodeIdentity self, NodeIdentity peer)
    {
        Connection = connection;
        Self = self;
        Peer = peer;
        Completion = CompleteAfterOwnerAsync();
    }

    public IFrameConnection Connection { get; }

    /// <summary>This node, as it introduced itself.</summary>
    public NodeIdentity Self { get; }

    /// <summary>The authenticated peer.</summary>
    public NodeIdentity Peer { get; }

    public bool IsInbound => Connection.IsInbound;

    /// <summary>
    /// Completes, never faulted, when the connection has fully closed and the owner's
    /// <see cref="TryOnClosed"/> callback has run: whoever sees the session completed also sees
    /// what the owner does on close (it has left the owner's set of open sessions).
    /// </summary>
    public Task<ConnectionClosed> Completion { get; }

    public SendResult TrySend(Frame frame) => Connection.TrySend(frame);

    public ValueTask<SendResult> SendAsync(Frame frame, CancellationToken cancellationToken = default) =>
        Connection.SendAsync(frame, cancellationToken);

    public ValueTask<Frame?> ReceiveAsync(CancellationToken cancellationToken = default) =>
        Connection.ReceiveAsync(cancellationToken);

    public void Close(DisconnectReason reason, string detail) => Connection.Close(reason, detail);

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    /// <summary>
    /// Has <paramref name="onClosed"/> run once the connection has fully closed, before
    /// <see cref="Completion"/> completes. A continuation on the connection's completion could run
    /// after a waiter already saw the session finish; this cannot. False when the connection had
    /// closed already: nothing is registered, and the caller does its closing work itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">The session has an owner callback already (a session has one owner).</exception>
    internal bool TryOnClosed(Action<PeerSession> onClosed)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            if (_onClosed is not null)
            {
                throw new InvalidOperationException($"{this} already has an owner to tell when it closes");
            }

            _onClosed = onClosed;
            return true;
        }
    }

    private async Task<ConnectionClosed> CompleteAfterOwnerAsync()
    {
        try
        {
            return await Connection.Completion.ConfigureAwait(false);
        }
        finally
        {
            Action<PeerSession>? onClosed;
            lock (_gate)
            {
                _closed = true;
                onClosed = _onClosed;
            }

            onClosed?.Invoke(this);
        }
    }

    public override string ToString() => $"session {(IsInbound ? "from" : "to")} {Peer} over {Connection.Id}";
}

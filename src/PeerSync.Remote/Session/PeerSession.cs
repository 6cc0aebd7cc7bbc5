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
    public PeerSession(IFrameConnection connection, NodeIdentity self, NodeIdentity peer)
    {
        Connection = connection;
        Self = self;
        Peer = peer;
    }

    public IFrameConnection Connection { get; }

    /// <summary>This node, as it introduced itself.</summary>
    public NodeIdentity Self { get; }

    /// <summary>The authenticated peer.</summary>
    public NodeIdentity Peer { get; }

    public bool IsInbound => Connection.IsInbound;

    public Task<ConnectionClosed> Completion => Connection.Completion;

    public SendResult TrySend(Frame frame) => Connection.TrySend(frame);

    public ValueTask<SendResult> SendAsync(Frame frame, CancellationToken cancellationToken = default) =>
        Connection.SendAsync(frame, cancellationToken);

    public ValueTask<Frame?> ReceiveAsync(CancellationToken cancellationToken = default) =>
        Connection.ReceiveAsync(cancellationToken);

    public void Close(DisconnectReason reason, string detail) => Connection.Close(reason, detail);

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    public override string ToString() => $"session {(IsInbound ? "from" : "to")} {Peer} over {Connection.Id}";
}

using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Transport;

/// <summary>
/// One connection carrying <see cref="Frame"/>s in both directions. Sending is thread-safe and
/// queues into a bounded send queue (bytes) drained by one writer, which hands everything queued
/// to the network in as few writes as it can. Receiving has one reader at a time. The connection
/// closes itself on a protocol error it can see (oversized or undecodable frame, write stall, lost
/// network) and reports why through <see cref="Completion"/>.
/// </summary>
public interface IFrameConnection : IAsyncDisposable
{
    /// <summary>A process-unique id for logs ("c17").</summary>
    string Id { get; }

    /// <summary>True for a connection a listener accepted, false for one this node dialed.</summary>
    bool IsInbound { get; }

    /// <summary>This end's address (for an inbound connection, the listening address).</summary>
    EndpointAddress LocalEndpoint { get; }

    /// <summary>The other end's socket address: the dialed address, or the peer's ephemeral port when inbound.</summary>
    EndpointAddress RemoteEndpoint { get; }

    /// <summary>The largest frame body this connection sends or accepts, in bytes.</summary>
    int MaxFrameSizeBytes { get; }

    /// <summary>Bytes queued or being written, not yet handed to the network.</summary>
    long QueuedBytes { get; }

    /// <summary>
    /// Sets what runs on the connection's writer each time it has written everything queued (null:
    /// nothing), and says whether the connection calls it. A sender that hands over its next frame
    /// only then gets one large frame per write under load, instead of many small ones queued behind
    /// each other. The handler must not block.
    /// </summary>
    /// <returns>
    /// True when the connection calls the handler: it then must, after every write that leaves
    /// nothing queued, since its owner waits for that call before it sends what was told meanwhile.
    /// False when it never calls one: the default, so that a connection written before this member
    /// stays correct (its owner does not wait, and sends each frame as it comes instead). A wrapper
    /// forwards the inner connection's answer.
    /// </returns>
    bool TrySetDrainedHandler(Action? handler) => false;

    /// <summary>
    /// Queues <paramref name="frame"/> without waiting. <see cref="SendResult.QueueFull"/> means the
    /// send queue is at its bound: retry after the peer drained (or use <see cref="SendAsync"/>).
    /// The frame is encoded before this returns, so the caller may reuse it.
    /// </summary>
    SendResult TrySend(Frame frame);

    /// <summary>Queues <paramref name="frame"/>, waiting while the send queue is full.</summary>
    ValueTask<SendResult> SendAsync(Frame frame, CancellationToken cancellationToken = default);

    /// <summary>
    /// The next frame, or null once the connection is closing or closed (see <see cref="Completion"/>
    /// for why). A Disconnect frame from the peer is not returned: it closes the connection with the
    /// peer's reason. Cancelling throws <see cref="OperationCanceledException"/> and leaves the
    /// connection open.
    /// </summary>
    ValueTask<Frame?> ReceiveAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts an orderly close: no more sends are taken, what is queued is written, then a Disconnect
    /// notice with <paramref name="reason"/> and <paramref name="detail"/> (unless the reason is
    /// local-only), then the socket closes. Idempotent: the first reason wins.
    /// </summary>
    void Close(DisconnectReason reason, string detail);

    /// <summary>
    /// Why the connection is closing, as soon as it starts to close (before <see cref="Completion"/>,
    /// which also waits for buffers to drain); null while open.
    /// </summary>
    ConnectionClosed? CloseReason { get; }

    /// <summary>Completes, never faulted, when the connection is fully closed and its resources freed.</summary>
    Task<ConnectionClosed> Completion { get; }
}

using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Support;

/// <summary>
/// A real connection behind a wrapper written as an external implementer of
/// <see cref="IFrameConnection"/> would write it against the interface as released: it implements
/// every member but the drained handler, so the interface's default stands for it and nobody is
/// called back when the connection has written everything queued.
/// </summary>
internal sealed class PlainConnection(IFrameConnection inner) : IFrameConnection
{
    public string Id => inner.Id;

    public bool IsInbound => inner.IsInbound;

    public EndpointAddress LocalEndpoint => inner.LocalEndpoint;

    public EndpointAddress RemoteEndpoint => inner.RemoteEndpoint;

    public int MaxFrameSizeBytes => inner.MaxFrameSizeBytes;

    public long QueuedBytes => inner.QueuedBytes;

    public ConnectionClosed? CloseReason => inner.CloseReason;

    public Task<ConnectionClosed> Completion => inner.Completion;

    public SendResult TrySend(Frame frame) => inner.TrySend(frame);

    public ValueTask<SendResult> SendAsync(Frame frame, CancellationToken cancellationToken = default) => inner.SendAsync(frame, cancellationToken);

    public ValueTask<Frame?> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);

    public void Close(DisconnectReason reason, string detail) => inner.Close(reason, detail);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

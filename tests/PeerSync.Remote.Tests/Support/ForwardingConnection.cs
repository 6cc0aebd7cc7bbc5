using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Support;

/// <summary>
/// A test wrapper around a real connection that passes every member on to it, written as an external
/// implementer would write one against the interface: it does not implement the drained handler, so
/// the interface's default stands for it. A wrapper that passes that on too re-implements
/// <see cref="IFrameConnection.TrySetDrainedHandler"/> itself.
/// </summary>
internal abstract class ForwardingConnection(IFrameConnection inner) : IFrameConnection
{
    protected IFrameConnection Inner { get; } = inner;

    public string Id => Inner.Id;

    public bool IsInbound => Inner.IsInbound;

    public EndpointAddress LocalEndpoint => Inner.LocalEndpoint;

    public EndpointAddress RemoteEndpoint => Inner.RemoteEndpoint;

    public int MaxFrameSizeBytes => Inner.MaxFrameSizeBytes;

    public long QueuedBytes => Inner.QueuedBytes;

    public ConnectionClosed? CloseReason => Inner.CloseReason;

    public virtual Task<ConnectionClosed> Completion => Inner.Completion;

    public SendResult TrySend(Frame frame) => Inner.TrySend(frame);

    public ValueTask<SendResult> SendAsync(Frame frame, CancellationToken cancellationToken = default) => Inner.SendAsync(frame, cancellationToken);

    public virtual ValueTask<Frame?> ReceiveAsync(CancellationToken cancellationToken = default) => Inner.ReceiveAsync(cancellationToken);

    public void Close(DisconnectReason reason, string detail) => Inner.Close(reason, detail);

    public virtual ValueTask DisposeAsync() => Inner.DisposeAsync();
}

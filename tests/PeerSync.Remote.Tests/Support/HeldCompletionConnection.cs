using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Support;

/// <summary>
/// A real connection whose <see cref="Completion"/> completes only when the test calls
/// <see cref="ReleaseAsync"/>, and then runs its continuations on that one thread in the order they
/// were registered (no RunContinuationsAsynchronously). Lets a test decide what a waiter on a
/// closed connection can see, instead of hoping the thread pool orders it.
/// </summary>
internal sealed class HeldCompletionConnection(IFrameConnection inner) : IFrameConnection
{
    private readonly TaskCompletionSource<ConnectionClosed> _completion = new();

    public string Id => inner.Id;

    public bool IsInbound => inner.IsInbound;

    public EndpointAddress LocalEndpoint => inner.LocalEndpoint;

    public EndpointAddress RemoteEndpoint => inner.RemoteEndpoint;

    public int MaxFrameSizeBytes => inner.MaxFrameSizeBytes;

    public long QueuedBytes => inner.QueuedBytes;

    public ConnectionClosed? CloseReason => inner.CloseReason;

    public Task<ConnectionClosed> Completion => _completion.Task;

    public bool TrySetDrainedHandler(Action? handler) => inner.TrySetDrainedHandler(handler);

    public SendResult TrySend(Frame frame) => inner.TrySend(frame);

    public ValueTask<SendResult> SendAsync(Frame frame, CancellationToken cancellationToken = default) => inner.SendAsync(frame, cancellationToken);

    public ValueTask<Frame?> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);

    public void Close(DisconnectReason reason, string detail) => inner.Close(reason, detail);

    /// <summary>Waits (bounded) for the real connection to close, then completes <see cref="Completion"/> with its outcome.</summary>
    public async Task ReleaseAsync() => _completion.SetResult(await inner.Completion.Within());

    public async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        _completion.TrySetResult(await inner.Completion);
    }
}

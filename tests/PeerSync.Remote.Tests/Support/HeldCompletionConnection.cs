using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Support;

/// <summary>
/// A real connection whose <see cref="Completion"/> completes only when the test calls
/// <see cref="ReleaseAsync"/>, and then runs its continuations on that one thread in the order they
/// were registered (no RunContinuationsAsynchronously). Lets a test decide what a waiter on a
/// closed connection can see, instead of hoping the thread pool orders it.
/// </summary>
internal sealed class HeldCompletionConnection(IFrameConnection inner) : ForwardingConnection(inner), IFrameConnection
{
    private readonly TaskCompletionSource<ConnectionClosed> _completion = new();

    public override Task<ConnectionClosed> Completion => _completion.Task;

    public bool TrySetDrainedHandler(Action? handler) => Inner.TrySetDrainedHandler(handler);

    /// <summary>Waits (bounded) for the real connection to close, then completes <see cref="Completion"/> with its outcome.</summary>
    public async Task ReleaseAsync() => _completion.SetResult(await Inner.Completion.Within());

    public override async ValueTask DisposeAsync()
    {
        await Inner.DisposeAsync();
        _completion.TrySetResult(await Inner.Completion);
    }
}

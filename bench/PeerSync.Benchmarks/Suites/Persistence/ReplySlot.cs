using PeerSync.Actors;

namespace PeerSync.Benchmarks.Suites.Persistence;

/// <summary>
/// A worker's reply address: the actor's reply completes the task <see cref="Send"/> returned.
/// Cheaper than Ask (no temporary actor, no timeout timer), so the actor cases pay for the
/// persistent actor and not for the driver, just as the journal cases await the journal's own task.
/// One command at a time per slot.
/// </summary>
internal sealed class ReplySlot(int worker) : ActorRefBase
{
    private TaskCompletionSource<object>? _pending;

    public override ActorPath Path { get; } = ActorPath.Root(Address.Local("bench")).Child($"reply-{worker}");

    /// <summary>Sends <paramref name="command"/> to <paramref name="target"/> with this slot as sender; completes with the reply.</summary>
    public Task<object> Send(IActorRef target, object command)
    {
        var pending = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending = pending;
        target.Tell(command, this);
        return pending.Task;
    }

    public override void Tell(object message, IActorRef? sender)
    {
        var pending = Interlocked.Exchange(ref _pending, null)
            ?? throw new InvalidOperationException($"{Path} got {message.GetType().Name} without a command outstanding");
        pending.SetResult(message);
    }
}

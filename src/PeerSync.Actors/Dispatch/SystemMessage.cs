namespace PeerSync.Actors;

/// <summary>
/// Messages of the runtime itself (lifecycle, supervision, death watch, async continuations).
/// They overtake user messages and are processed even while an actor is suspended.
/// </summary>
public abstract class SystemMessage
{
    private protected SystemMessage()
    {
    }
}

/// <summary>Create the actor instance (first system message of every cell).</summary>
internal sealed class CreateActor : SystemMessage;

/// <summary>Stop the actor (and first its children).</summary>
internal sealed class TerminateActor : SystemMessage;

/// <summary>Replace the failed actor instance with a fresh one.</summary>
internal sealed class RecreateActor(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

/// <summary>Hold user messages (while the supervisor decides, or while the parent is suspended).</summary>
internal sealed class SuspendActor : SystemMessage;

/// <summary>Undo one <see cref="SuspendActor"/>; after a failure, also go on with the next message.</summary>
internal sealed class ResumeActor(Exception? causedByFailure) : SystemMessage
{
    public Exception? CausedByFailure { get; } = causedByFailure;
}

/// <summary>A child reports that it failed; the parent's supervisor strategy decides.</summary>
internal sealed class ChildFailed(IInternalActorRef child, Exception cause, FailureOrigin origin) : SystemMessage
{
    public IInternalActorRef Child { get; } = child;

    public Exception Cause { get; } = cause;

    public FailureOrigin Origin { get; } = origin;
}

/// <summary>Where a failure started, carried through escalation so it is logged once, by the deciding supervisor.</summary>
internal sealed record FailureOrigin(ActorPath Path, Type? MessageType);

/// <summary>The watcher wants to be told when the receiver stops.</summary>
public sealed class Watch(IInternalActorRef watchee, IInternalActorRef watcher) : SystemMessage
{
    public IInternalActorRef Watchee { get; } = watchee;

    public IInternalActorRef Watcher { get; } = watcher;
}

public sealed class Unwatch(IInternalActorRef watchee, IInternalActorRef watcher) : SystemMessage
{
    public IInternalActorRef Watchee { get; } = watchee;

    public IInternalActorRef Watcher { get; } = watcher;
}

/// <summary>
/// Tells a watcher (or the parent) that an actor stopped. Remote layers send it too, with
/// <see cref="AddressTerminated"/> set, when a node or incarnation goes away.
/// </summary>
public sealed class DeathWatchNotification(IActorRef actor, bool existenceConfirmed, bool addressTerminated) : SystemMessage
{
    public IActorRef Actor { get; } = actor;

    public bool ExistenceConfirmed { get; } = existenceConfirmed;

    public bool AddressTerminated { get; } = addressTerminated;
}

/// <summary>Runs an await continuation of a ReceiveAsync handler on the actor.</summary>
internal sealed class AsyncContinuation(SendOrPostCallback callback, object? state, Envelope envelope) : SystemMessage
{
    public SendOrPostCallback Callback { get; } = callback;

    public object? State { get; } = state;

    public Envelope Envelope { get; } = envelope;
}

/// <summary>The task of a ReceiveAsync handler completed: resume the mailbox, or fail.</summary>
internal sealed class AsyncTaskCompleted(Task task, Envelope envelope) : SystemMessage
{
    public Task Task { get; } = task;

    public Envelope Envelope { get; } = envelope;
}

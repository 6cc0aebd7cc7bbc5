using Microsoft.Extensions.Logging;

namespace PeerSync.Actors;

/// <summary>
/// The base of every actor. An actor processes one message at a time; its state needs no locks.
/// Override <see cref="Receive"/> (or use <see cref="ReceiveActor"/>), and the lifecycle hooks as
/// needed: PreStart → messages → PostStop, with PreRestart/PostRestart around a restart.
/// </summary>
public abstract class ActorBase
{
    private readonly ActorCell _cell;

    protected ActorBase()
    {
        _cell = ActorCell.Current
            ?? throw new InvalidOperationException(
                $"{GetType().Name} must be created by the actor system (ActorOf with Props), not with 'new' directly");
        _cell.BindActor(this);
    }

    /// <summary>The context of the actor currently running on this thread.</summary>
    protected static IActorContext Context =>
        ActorCell.Current ?? throw new InvalidOperationException("Context is only available inside an actor");

    protected IActorRef Self => _cell.Self;

    /// <summary>The sender of the current message (the system's dead letters when none).</summary>
    protected IActorRef Sender => _cell.Sender;

    protected ILogger Log => _cell.Log;

    protected ITimerScheduler Timers => _cell.Timers;

    /// <summary>Handles a message; returns false when the message was not handled.</summary>
    protected internal abstract bool Receive(object message);

    /// <summary>Runs before the first message (and, by default, after a restart).</summary>
    protected internal virtual void PreStart()
    {
    }

    /// <summary>Runs after the actor stopped; its children have stopped already.</summary>
    protected internal virtual void PostStop()
    {
    }

    /// <summary>
    /// Runs on the failed instance before it is replaced. The default stops all children and calls
    /// PostStop, so a restarted actor starts from a clean slate.
    /// </summary>
    protected internal virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in _cell.Children)
        {
            _cell.Stop(child);
        }

        PostStop();
    }

    /// <summary>Runs on the fresh instance after a restart. The default calls PreStart.</summary>
    protected internal virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>
    /// Called for messages <see cref="Receive"/> did not handle. The default fails with
    /// <see cref="DeathPactException"/> for an unhandled <see cref="Terminated"/> and otherwise
    /// publishes <see cref="UnhandledMessage"/> on the event stream (counted and logged at Debug).
    /// </summary>
    protected internal virtual void Unhandled(object message)
    {
        if (message is Terminated terminated)
        {
            throw new DeathPactException(terminated.ActorRef);
        }

        _cell.PublishUnhandled(message);
    }

    /// <summary>How this actor supervises its children. Default: restart on any exception, stop on initialization failures.</summary>
    protected internal virtual SupervisorStrategy SupervisorStrategy() => Actors.SupervisorStrategy.Default;

    // The runtime calls the Around* wrappers, never the plain hooks. A base class that must run
    // code around the user's hooks (the persistent actor starts recovery after PreStart and retires
    // its pending writes on a restart) overrides a wrapper, so a subclass that overrides PreStart
    // without calling base cannot skip that code. The defaults only call the plain hook.

    /// <summary>Called by the runtime when the actor starts; the default calls <see cref="PreStart"/>.</summary>
    protected internal virtual void AroundPreStart() => PreStart();

    /// <summary>Called by the runtime when the actor has stopped; the default calls <see cref="PostStop"/>.</summary>
    protected internal virtual void AroundPostStop() => PostStop();

    /// <summary>Called by the runtime on the failed instance; the default calls <see cref="PreRestart"/>.</summary>
    protected internal virtual void AroundPreRestart(Exception reason, object? message) => PreRestart(reason, message);

    /// <summary>Called by the runtime on the fresh instance; the default calls <see cref="PostRestart"/>.</summary>
    protected internal virtual void AroundPostRestart(Exception reason) => PostRestart(reason);

    /// <summary>
    /// Runs async work on this actor the way a ReceiveAsync handler runs: user messages wait until
    /// the task completes (system messages, such as Stop, do not), its awaits resume on this actor's
    /// turn (so its state needs no locks), and a faulted task fails the actor. Callable from a
    /// message handler or a lifecycle hook. A task that completes synchronously holds nothing.
    /// </summary>
    protected void RunTask(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        _cell.RunTask(work);
    }

    /// <summary>
    /// Runs <paramref name="action"/> as if this actor were processing <paramref name="message"/>
    /// from <paramref name="sender"/>: Sender, Context.Sender, Forward and Stash see that message.
    /// For callbacks that act on behalf of an earlier message, such as a persistence handler that
    /// runs once its command's events are stored. Only on the actor's own turn.
    /// </summary>
    protected void RunOnBehalfOf(object message, IActorRef? sender, Action action)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(action);
        _cell.RunOnBehalfOf(new Envelope(message, sender), action);
    }
}

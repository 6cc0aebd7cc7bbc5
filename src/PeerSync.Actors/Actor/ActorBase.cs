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
}

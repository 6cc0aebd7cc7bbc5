using Microsoft.Extensions.Logging;

namespace PeerSync.Actors;

/// <summary>What an actor sees of itself and the runtime while it processes a message.</summary>
public interface IActorContext
{
    IActorRef Self { get; }

    /// <summary>The sender of the current message; the system's dead letters when there was none.</summary>
    IActorRef Sender { get; }

    IActorRef Parent { get; }

    ActorSystem System { get; }

    IReadOnlyCollection<IActorRef> Children { get; }

    ITimerScheduler Timers { get; }

    ILogger Log { get; }

    /// <summary>The child with this name, or null.</summary>
    IActorRef? Child(string name);

    /// <summary>Creates a child; a null name gets a generated one (`$a`, `$b`, ...).</summary>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>Stops a child or the actor itself; other actors are stopped with a PoisonPill or by their parent.</summary>
    void Stop(IActorRef actor);

    /// <summary>Sends <see cref="Terminated"/> when <paramref name="subject"/> stops (at once if it already has).</summary>
    IActorRef Watch(IActorRef subject);

    IActorRef Unwatch(IActorRef subject);

    /// <summary>Replaces the current behaviour.</summary>
    void Become(Receive receive);

    /// <summary>Pushes a behaviour; <see cref="Unbecome"/> pops it.</summary>
    void BecomeStacked(Receive receive);

    void Unbecome();
}

/// <summary>A behaviour: returns false when the message was not handled.</summary>
public delegate bool Receive(object message);

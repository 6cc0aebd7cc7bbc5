namespace PeerSync.Actors;

/// <summary>An actor name is malformed or already taken by a sibling.</summary>
public sealed class InvalidActorNameException(string message) : Exception(message);

/// <summary>
/// Wraps a failure while an actor was being created or restarted (constructor, PreStart,
/// PostRestart). The default supervisor decision for it is Stop: restarting a constructor that
/// throws would only throw again.
/// </summary>
public sealed class ActorInitializationException(IActorRef actor, string message, Exception cause)
    : Exception(message, cause)
{
    public IActorRef Actor { get; } = actor;
}

/// <summary>Thrown inside an actor that received <see cref="Kill"/>.</summary>
public sealed class ActorKilledException(string message) : Exception(message);

/// <summary>
/// Thrown when an actor receives <see cref="Terminated"/> for an actor it watches and does not
/// handle it: a watch without a handler is a death pact (Akka's rule).
/// </summary>
public sealed class DeathPactException(IActorRef deadActor)
    : Exception($"monitored actor {deadActor.Path} terminated and the watcher did not handle Terminated")
{
    public IActorRef DeadActor { get; } = deadActor;
}

/// <summary>The stash is full. Raised inside the actor that tried to stash.</summary>
public sealed class StashOverflowException(string message) : Exception(message);

/// <summary>An Ask got no reply in time. The message names the target and the message type.</summary>
public sealed class AskTimeoutException(string message) : TimeoutException(message);

namespace PeerSync.Actors;

/// <summary>Stops the receiving actor after the messages before it in its mailbox.</summary>
public sealed class PoisonPill
{
    public static readonly PoisonPill Instance = new();

    private PoisonPill()
    {
    }
}

/// <summary>Makes the receiving actor fail with <see cref="ActorKilledException"/> (default decision: Stop).</summary>
public sealed class Kill
{
    public static readonly Kill Instance = new();

    private Kill()
    {
    }
}

/// <summary>
/// Delivered to a watcher when a watched actor stopped. <see cref="ExistenceConfirmed"/> is false
/// when the actor was already gone (or never existed) at the time of the watch.
/// <see cref="AddressTerminated"/> is true when the actor's node or incarnation went away.
/// </summary>
public sealed record Terminated(IActorRef ActorRef, bool ExistenceConfirmed, bool AddressTerminated);

/// <summary>Asks an actor for its ref; it answers <see cref="ActorIdentity"/> automatically.</summary>
public sealed record Identify(object? MessageId);

public sealed record ActorIdentity(object? MessageId, IActorRef? Subject);

/// <summary>Results carried back by Ask and PipeTo.</summary>
public static class Status
{
    public sealed record Success(object? Value);

    public sealed record Failure(Exception Cause);
}

/// <summary>Published on the event stream when an actor did not handle a message.</summary>
public sealed record UnhandledMessage(object Message, IActorRef Sender, IActorRef Recipient);

namespace PeerSync.Actors;

/// <summary>
/// A handle to an actor, local or remote. Two refs are equal when they point at the same actor
/// incarnation (same path and uid). Tell never blocks and never throws for delivery problems:
/// undeliverable messages go to dead letters with the reason.
/// </summary>
public interface IActorRef : IEquatable<IActorRef>, IComparable<IActorRef>
{
    ActorPath Path { get; }

    /// <summary>Sends <paramref name="message"/>; the receiver sees <paramref name="sender"/> as Sender.</summary>
    void Tell(object message, IActorRef? sender);
}

public static class ActorRefExtensions
{
    /// <summary>
    /// Sends a message with the current actor as sender when called from inside an actor, and
    /// with no sender otherwise.
    /// </summary>
    public static void Tell(this IActorRef receiver, object message) =>
        receiver.Tell(message, ActorCell.Current?.Self);

    /// <summary>Sends a message on behalf of the current message's sender.</summary>
    public static void Forward(this IActorRef receiver, object message)
    {
        var cell = ActorCell.Current ?? throw new InvalidOperationException("Forward can only be used inside an actor");
        receiver.Tell(message, cell.Sender);
    }
}

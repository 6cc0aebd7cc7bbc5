namespace PeerSync.Actors;

/// <summary>
/// `/deadLetters`: messages told to it are published as <see cref="DeadLetter"/>. A watch of it,
/// like a watch of any stopped actor, answers Terminated at once.
/// </summary>
internal sealed class DeadLetterActorRef(ActorSystem system, ActorPath path) : ActorRefBase, IInternalActorRef
{
    public override ActorPath Path { get; } = path;

    public bool IsTerminated => false;

    public ActorSystem System => system;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is DeadLetter letter)
        {
            system.PublishDeadLetter(letter);
        }
        else
        {
            system.DeadLetter(message, sender, this, "sent to dead letters");
        }
    }

    public void SendSystemMessage(SystemMessage message) => system.SystemMessageToDeadActor(this, message);
}

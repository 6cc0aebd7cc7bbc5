namespace PeerSync.Actors;

/// <summary>A ref to an actor of this process: Tell appends to its mailbox.</summary>
internal sealed class LocalActorRef : ActorRefBase, IInternalActorRef
{
    public LocalActorRef(ActorCell cell, ActorPath path)
    {
        Cell = cell;
        Path = path;
    }

    public ActorCell Cell { get; }

    public override ActorPath Path { get; }

    public bool IsTerminated => Cell.IsTerminated;

    public ActorSystem System => Cell.System;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        Cell.Mailbox.Post(new Envelope(message, sender));
    }

    public void SendSystemMessage(SystemMessage message) => Cell.Mailbox.PostSystem(message);
}

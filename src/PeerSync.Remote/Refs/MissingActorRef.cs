using PeerSync.Actors;

namespace PeerSync.Remote.Refs;

/// <summary>
/// Stands for a path of this node where no actor lives (a message from a peer to an actor that
/// stopped or never existed): whatever is told to it becomes a dead letter naming the path, and a
/// watch of it answers Terminated at once, as for any stopped actor.
/// </summary>
internal sealed class MissingActorRef(ActorSystem system, ActorPath path, string reason) : ActorRefBase, IInternalActorRef
{
    public override ActorPath Path { get; } = path;

    public bool IsTerminated => true;

    public ActorSystem System => system;

    public string Reason => reason;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        system.DeadLetter(message, sender, this, reason);
    }

    public void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch watch && !watch.Watcher.Equals(this))
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: false, addressTerminated: false));
        }
    }
}

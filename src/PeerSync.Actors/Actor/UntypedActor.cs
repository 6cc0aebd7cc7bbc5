namespace PeerSync.Actors;

/// <summary>
/// An actor with a single OnReceive method. Messages it does not know should be passed to
/// <see cref="ActorBase.Unhandled"/>, which reports them.
/// </summary>
public abstract class UntypedActor : ActorBase
{
    protected internal sealed override bool Receive(object message)
    {
        OnReceive(message);
        return true;
    }

    protected abstract void OnReceive(object message);
}

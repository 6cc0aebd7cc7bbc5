using PeerSync.Actors;

namespace PeerSync.TestKit;

/// <summary>The actor behind a <see cref="TestProbe"/>: everything it receives goes to the probe's inbox.</summary>
internal sealed class ProbeActor(TestProbe probe) : ActorBase
{
    protected internal override bool Receive(object message)
    {
        switch (message)
        {
            case WatchTarget watch:
                Context.Watch(watch.Target);
                watch.Done.TrySetResult();
                break;
            case UnwatchTarget unwatch:
                Context.Unwatch(unwatch.Target);
                unwatch.Done.TrySetResult();
                break;
            default:
                probe.Enqueue(new Envelope(message, Sender));
                break;
        }

        return true;
    }

    internal sealed record WatchTarget(IActorRef Target, TaskCompletionSource Done);

    internal sealed record UnwatchTarget(IActorRef Target, TaskCompletionSource Done);
}

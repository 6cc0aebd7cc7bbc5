using PeerSync.Actors;

namespace PeerSync.Sync.Host;

/// <summary>Waits for an actor to stop, through a short-lived watcher under /system.</summary>
internal static class ActorTermination
{
    public static Task StopAndWaitAsync(ActorSystem system, IActorRef actor, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        system.SystemActorOf(Props.Create(() => new Watcher(actor, done)));
        system.Stop(actor);
        return done.Task.WaitAsync(timeout, system.TimeProvider);
    }

    private sealed class Watcher : ReceiveActor
    {
        public Watcher(IActorRef subject, TaskCompletionSource done)
        {
            Context.Watch(subject);
            Receive<Terminated>(_ =>
            {
                done.TrySetResult();
                Context.Stop(Self);
            });
        }
    }
}

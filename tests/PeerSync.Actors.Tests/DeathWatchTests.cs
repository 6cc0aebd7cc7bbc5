using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Actors.Tests;

public sealed class DeathWatchTests(ITestOutputHelper output) : TestKitBase(output)
{
    [Fact]
    public void Watcher_gets_Terminated_when_the_actor_stops()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Watch(echo);
        Sys.Stop(echo);
        var terminated = ExpectTerminated(echo);
        Assert.True(terminated.ExistenceConfirmed);
        Assert.False(terminated.AddressTerminated);
    }

    [Fact]
    public void Watching_an_already_dead_actor_gives_Terminated_at_once()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var first = CreateTestProbe();
        first.Watch(echo);
        Sys.Stop(echo);
        first.ExpectTerminated(echo);

        Watch(echo);
        var terminated = ExpectTerminated(echo);
        Assert.False(terminated.ExistenceConfirmed);
    }

    [Fact]
    public void Watching_dead_letters_gives_Terminated()
    {
        Watch(Sys.DeadLetters);
        ExpectTerminated(Sys.DeadLetters);
    }

    [Fact]
    public void Unwatch_cancels_the_notification()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Watch(echo);
        Probe.Unwatch(echo);
        Sys.Stop(echo);

        // A second, still-watching probe proves the stop happened.
        var other = CreateTestProbe();
        other.Watch(echo);
        other.ExpectTerminated(echo);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Unhandled_Terminated_is_a_death_pact_that_stops_the_watcher()
    {
        var watched = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var watcher = Sys.ActorOf(Props.Create(() => new NaiveWatcher(watched)));
        Watch(watcher);
        watcher.Tell("ready?", TestActor);
        ExpectMsg("ready");
        ExceptionFilter<DeathPactException>().ExpectOne(() => Sys.Stop(watched));
        ExpectTerminated(watcher);
    }

    [Fact]
    public void Every_watcher_is_notified()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var probes = Enumerable.Range(0, 5).Select(_ => CreateTestProbe()).ToList();
        probes.ForEach(p => p.Watch(echo));
        echo.Tell("sync", TestActor);
        ExpectMsg("sync");
        Sys.Stop(echo);
        probes.ForEach(p => p.ExpectTerminated(echo));
    }

    private sealed class NaiveWatcher : ReceiveActor
    {
        public NaiveWatcher(IActorRef target)
        {
            Context.Watch(target);
            Receive<string>(_ => Sender.Tell("ready", Self));
        }
    }
}

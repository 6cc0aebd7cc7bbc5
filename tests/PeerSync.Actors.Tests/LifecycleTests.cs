using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Actors.Tests;

public sealed class LifecycleTests(ITestOutputHelper output) : TestKitBase(output)
{
    [Fact]
    public void PreStart_runs_before_messages_and_PostStop_after_stop()
    {
        var lifecycle = CreateTestProbe();
        var counter = Sys.ActorOf(Props.Create(() => new CounterActor(lifecycle.Ref)));
        counter.Tell("inc", null);
        counter.Tell("get", lifecycle.Ref);
        lifecycle.ExpectMsg("PreStart");
        lifecycle.ExpectMsg(1);
        Sys.Stop(counter);
        lifecycle.ExpectMsg("PostStop");
    }

    [Fact]
    public void Children_stop_before_their_parent_runs_PostStop()
    {
        var lifecycle = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Supervisor(SupervisorStrategy.Default, lifecycle.Ref)));
        parent.Tell(Props.Create(() => new CounterActor(lifecycle.Ref)), TestActor);
        ExpectMsg<IActorRef>();
        lifecycle.ExpectMsg("PreStart");
        Sys.Stop(parent);
        lifecycle.ExpectMsg("PostStop");
        lifecycle.ExpectMsg("Supervisor.PostStop");
    }

    [Fact]
    public void Messages_to_a_stopped_actor_become_dead_letters()
    {
        var counter = Sys.ActorOf(Props.Create(() => new CounterActor(null)));
        Watch(counter);
        Sys.Stop(counter);
        ExpectTerminated(counter);
        var before = Sys.DeadLetterCount;
        DeadLetterFilter<string>(d => d.Reason == "recipient stopped" && d.Recipient.Equals(counter)).Expect(2, () =>
        {
            counter.Tell("inc", TestActor);
            counter.Tell("inc", TestActor);
        });
        Assert.Equal(before + 2, Sys.DeadLetterCount);
    }

    [Fact]
    public void Messages_queued_behind_a_stop_become_dead_letters()
    {
        // The actor blocks on its first message so the rest queue up, then it stops itself.
        var gate = new ManualResetEventSlim();
        var actor = Sys.ActorOf(Props.Create(() => new GatedStopper(gate)));
        DeadLetterFilter<int>().Expect(3, () =>
        {
            actor.Tell("block", null);
            actor.Tell(1, null);
            actor.Tell(2, null);
            actor.Tell(3, null);
            gate.Set();
        });
    }

    [Fact]
    public void PoisonPill_stops_after_the_messages_before_it()
    {
        var counter = Sys.ActorOf(Props.Create(() => new CounterActor(null)));
        Watch(counter);
        counter.Tell("inc", null);
        counter.Tell("get", TestActor);
        counter.Tell(PoisonPill.Instance, null);
        ExpectMsg(1);
        ExpectTerminated(counter);
    }

    [Fact]
    public void Kill_stops_the_actor_through_its_supervisor()
    {
        var counter = Sys.ActorOf(Props.Create(() => new CounterActor(null)));
        Watch(counter);
        ExceptionFilter<ActorKilledException>().ExpectOne(() => counter.Tell(Kill.Instance, null));
        ExpectTerminated(counter);
    }

    [Fact]
    public void Exception_in_PreStart_stops_the_actor_by_default()
    {
        ExceptionFilter<ActorInitializationException>("PreStart failed").ExpectOne(() =>
        {
            var actor = Sys.ActorOf(Props.Create(() => new FailingPreStart()));
            Watch(actor);
            ExpectTerminated(actor);
        });
    }

    [Fact]
    public void Exception_in_PostStop_is_logged_and_the_actor_still_terminates()
    {
        var actor = Sys.ActorOf(Props.Create(() => new FailingPostStop()));
        Watch(actor);
        LogFilter(Microsoft.Extensions.Logging.LogLevel.Error, "PostStop of").ExpectOne(() => Sys.Stop(actor));
        ExpectTerminated(actor);
    }

    [Fact]
    public void Self_stop_from_a_handler_stops_the_actor()
    {
        var actor = Sys.ActorOf(Props.Create(() => new GatedStopper(null)));
        Watch(actor);
        actor.Tell("block", null);
        ExpectTerminated(actor);
    }

    private sealed class GatedStopper : ReceiveActor
    {
        public GatedStopper(ManualResetEventSlim? gate) =>
            Receive<string>(_ =>
            {
                gate?.Wait(TimeSpan.FromSeconds(10));
                Context.Stop(Self);
            });
    }

    private sealed class FailingPreStart : ReceiveActor
    {
        protected internal override void PreStart() => throw new InvalidOperationException("PreStart failed");
    }

    private sealed class FailingPostStop : ReceiveActor
    {
        protected internal override void PostStop() => throw new InvalidOperationException("PostStop failed");
    }
}

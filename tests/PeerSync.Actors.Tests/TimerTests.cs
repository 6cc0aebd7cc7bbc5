using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Actors.Tests;

/// <summary>Timers under virtual time: every assertion is about when, exactly, a message arrives.</summary>
public sealed class TimerTests(ITestOutputHelper output) : TestKitBase(output, deterministic: true)
{
    [Fact]
    public void Single_timer_fires_once_after_its_delay()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new TimerActor.StartSingle("t", TimeSpan.FromSeconds(2)), null);
        ExpectNoMsg(TimeSpan.FromMilliseconds(1999));
        ExpectMsg("tick:t", TimeSpan.FromMilliseconds(2));
        ExpectNoMsg(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Periodic_timer_fires_at_every_interval()
    {
        var start = Time.GetUtcNow();
        var actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new TimerActor.StartPeriodic("p", TimeSpan.FromSeconds(1)), null);
        for (var i = 1; i <= 3; i++)
        {
            ExpectMsg("tick:p");
            Assert.Equal(TimeSpan.FromSeconds(i), Time.GetUtcNow() - start);
        }
    }

    [Fact]
    public void Cancelled_timer_never_delivers_even_if_already_due()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new TimerActor.StartSingle("t", TimeSpan.FromSeconds(1)), null);

        // Fire the timer but hold its message behind a cancel: the message is in the mailbox
        // when the cancel is processed, and must still be dropped.
        actor.Tell(new TimerActor.CancelAfter("t", TimeSpan.FromSeconds(1)), null);
        ExpectMsg("cancelled:t", TimeSpan.FromSeconds(5));
        ExpectNoMsg(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Starting_a_timer_with_a_used_key_replaces_it()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new TimerActor.StartSingle("t", TimeSpan.FromSeconds(1)), null);
        actor.Tell(new TimerActor.StartSingle("t", TimeSpan.FromSeconds(3)), null);
        var start = Time.GetUtcNow();
        ExpectMsg("tick:t", TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(3), Time.GetUtcNow() - start);
        ExpectNoMsg(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Timers_are_cancelled_on_restart()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new TimerActor.StartPeriodic("p", TimeSpan.FromSeconds(1)), null);
        ExpectMsg("tick:p");
        actor.Tell(new TestException("restart me"), null);
        ExpectNoMsg(TimeSpan.FromSeconds(5));
        actor.Tell("active?", TestActor);
        ExpectMsg("active:0");
    }

    [Fact]
    public void Timers_are_cancelled_on_stop()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new TimerActor.StartPeriodic("p", TimeSpan.FromSeconds(1)), null);
        ExpectMsg("tick:p");
        var timersBefore = Time.ActiveTimerCount;
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        Assert.True(Time.ActiveTimerCount < timersBefore);
        ExpectNoMsg(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void System_scheduler_tells_once_and_repeatedly_until_cancelled()
    {
        var start = Time.GetUtcNow();
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(2), TestActor, "once");
        ExpectMsg("once", TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(2), Time.GetUtcNow() - start);

        var repeating = Sys.Scheduler.ScheduleTellRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TestActor, "again");
        ExpectMsg("again", TimeSpan.FromSeconds(2));
        ExpectMsg("again", TimeSpan.FromSeconds(2));
        repeating.Cancel();
        Assert.True(repeating.IsCancellationRequested);
        ExpectNoMsg(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Scheduled_action_runs_and_a_throwing_action_is_logged()
    {
        var ran = false;
        Sys.Scheduler.ScheduleOnce(TimeSpan.FromSeconds(1), () => ran = true);
        Sys.Scheduler.ScheduleOnce(TimeSpan.FromSeconds(1), () => throw new TestException("scheduled failure"));
        Scheduler!.Advance(TimeSpan.FromSeconds(1));
        Assert.True(ran);
        Assert.Contains(Logs.Entries, e => e.Exception is TestException && e.Message.Contains("scheduled action", StringComparison.Ordinal));
    }

    private sealed class TimerActor : ReceiveActor
    {
        public TimerActor(IActorRef target)
        {
            Receive<StartSingle>(s => Timers.StartSingleTimer(s.Key, $"tick:{s.Key}", s.Delay));
            Receive<StartPeriodic>(s => Timers.StartPeriodicTimer(s.Key, $"tick:{s.Key}", s.Interval));
            Receive<CancelAfter>(c =>
            {
                // Let virtual time pass while this actor is busy, so the timer's message is queued
                // behind this one; then cancel.
                ((ManualTimeProvider)Context.System.TimeProvider).Advance(c.Wait);
                Timers.Cancel(c.Key);
                target.Tell($"cancelled:{c.Key}", Self);
            });
            Receive<string>(s => s == "active?", _ => Sender.Tell($"active:{Timers.ActiveTimers.Count}", Self));
            Receive<string>(s => target.Tell(s, Self));
            Receive<Exception>(e => throw e);
        }

        public sealed record StartSingle(string Key, TimeSpan Delay);

        public sealed record StartPeriodic(string Key, TimeSpan Interval);

        public sealed record CancelAfter(string Key, TimeSpan Wait);
    }
}

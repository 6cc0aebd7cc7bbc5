using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Actors.Tests;

/// <summary>The dispatcher the multi-node harness uses to freeze a node.</summary>
public sealed class PausableDispatcherTests(ITestOutputHelper output) : TestKitBase(output, configure: s => s with { Dispatcher = new PausableDispatcher() })
{
    private PausableDispatcher Dispatcher => (PausableDispatcher)Sys.Settings.Dispatcher!;

    [Fact]
    public async Task PausableDispatcher_parks_messages_while_paused_and_runs_them_in_order_after_resume()
    {
        var relay = Sys.ActorOf(Props.Create(() => new Relay(TestActor)));
        relay.Tell(0, null);
        ExpectMsg(0);

        await Dispatcher.PauseAsync();
        for (var i = 1; i <= 5; i++)
        {
            relay.Tell(i, null);
        }

        // Scheduling parks the mailbox on the telling thread, so nothing can have run yet. A turn
        // queued on the thread pool before the pause (the probe's, after it took 0) is parked when
        // it comes up, so one more mailbox may be parked.
        try
        {
            Assert.True(Dispatcher.IsPaused);
            Assert.InRange(Dispatcher.ParkedCount, 1, 2);
            Assert.Equal(0, Probe.Pending);
        }
        finally
        {
            Dispatcher.Resume();
        }

        for (var i = 1; i <= 5; i++)
        {
            ExpectMsg(i);
        }

        Assert.False(Dispatcher.IsPaused);
        Assert.Equal(0, Dispatcher.ParkedCount);
    }

    [Fact]
    public async Task PauseAsync_completes_only_after_the_running_turn_finished()
    {
        using var gate = new ManualResetEventSlim();
        var handled = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var blocker = Sys.ActorOf(Props.Create(() => new Blocker(gate, TestActor, handled)));
        blocker.Tell("block", null);
        ExpectMsg("blocked");

        var paused = Dispatcher.PauseAsync();
        Assert.False(paused.IsCompleted);
        blocker.Tell("after", null);
        gate.Set();
        await paused.WaitAsync(TestKitSettings.Dilated(TimeSpan.FromSeconds(10)));

        // The message told during the pause waits for Resume: the running turn ended after "block"
        // instead of going on to "after", and the blocker is parked with it (the probe's mailbox
        // may be parked too, if its turn was queued before the pause). Nothing reached the probe.
        try
        {
            Assert.Equal(["block"], handled);
            Assert.InRange(Dispatcher.ParkedCount, 1, 2);
            Assert.Equal(0, Probe.Pending);
        }
        finally
        {
            Dispatcher.Resume();
        }

        ExpectMsg("after");
    }

    [Fact]
    public void Settings_refuse_a_dispatcher_next_to_a_deterministic_scheduler()
    {
        var settings = new ActorSystemSettings { DeterministicScheduler = new DeterministicScheduler(), Dispatcher = new PausableDispatcher() };
        var error = Assert.Throws<ArgumentException>(() => ActorSystem.Create("both", settings));
        Assert.Contains("either DeterministicScheduler or Dispatcher", error.Message, StringComparison.Ordinal);
    }

    private sealed class Relay : ReceiveActor
    {
        public Relay(IActorRef target) => Receive<int>(i => target.Tell(i, Self));
    }

    private sealed class Blocker : ReceiveActor
    {
        public Blocker(ManualResetEventSlim gate, IActorRef target, System.Collections.Concurrent.ConcurrentQueue<string> handled)
        {
            Receive<string>(s => s == "block", s =>
            {
                handled.Enqueue(s);
                target.Tell("blocked", Self);
                gate.Wait(TimeSpan.FromSeconds(10));
            });
            Receive<string>(s =>
            {
                handled.Enqueue(s);
                target.Tell(s, Self);
            });
        }
    }
}

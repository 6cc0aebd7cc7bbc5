using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Actors.Tests;

public sealed class DeterministicDispatcherTests
{
    [Fact]
    public void Nothing_runs_until_the_scheduler_is_driven_and_then_all_on_the_calling_thread()
    {
        var scheduler = new DeterministicScheduler();
        var system = ActorSystem.Create("det", new ActorSystemSettings { DeterministicScheduler = scheduler });
        var threads = new List<int>();
        var actor = system.ActorOf(Props.Create(() => new ThreadRecorder(threads)));
        for (var i = 0; i < 10; i++)
        {
            actor.Tell(i, null);
        }

        Assert.Empty(threads);
        scheduler.RunUntilIdle();
        Assert.Equal(10, threads.Count);
        Assert.All(threads, t => Assert.Equal(Environment.CurrentManagedThreadId, t));
        _ = system.Terminate();
        scheduler.RunUntilIdle();
        Assert.True(system.IsTerminated);
    }

    [Fact]
    public void The_same_inputs_give_the_same_interleaving()
    {
        Assert.Equal(RunPingPongTrace(), RunPingPongTrace());
    }

    [Fact]
    public void A_livelock_is_reported_instead_of_hanging()
    {
        var scheduler = new DeterministicScheduler();
        var system = ActorSystem.Create("live", new ActorSystemSettings { DeterministicScheduler = scheduler });
        var a = system.ActorOf(Props.Create(() => new Bouncer()), "a");
        a.Tell(a, null);
        var error = Assert.Throws<InvalidOperationException>(() => scheduler.RunUntilIdle(maxSteps: 1000));
        Assert.Contains("did not become idle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Advance_fires_timers_in_due_order_and_settles_after_each()
    {
        var scheduler = new DeterministicScheduler();
        var fired = new List<string>();
        scheduler.Time.CreateTimer(_ => fired.Add("b"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        scheduler.Time.CreateTimer(_ => fired.Add("a"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        var periodic = scheduler.Time.CreateTimer(_ => fired.Add("p"), null, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(1));
        scheduler.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(["a", "p", "b", "p"], fired);
        periodic.Dispose();
        scheduler.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(4, fired.Count);
    }

    private static string RunPingPongTrace()
    {
        var scheduler = new DeterministicScheduler();
        var system = ActorSystem.Create("trace", new ActorSystemSettings { DeterministicScheduler = scheduler, Throughput = 3 });
        var trace = new List<string>();
        var actors = Enumerable.Range(0, 4).Select(i => system.ActorOf(Props.Create(() => new Tracer(trace, $"t{i}")), $"t{i}")).ToArray();
        for (var round = 0; round < 5; round++)
        {
            foreach (var actor in actors)
            {
                actor.Tell(round, actors[(round + 1) % actors.Length]);
            }
        }

        scheduler.RunUntilIdle();
        return string.Join(",", trace) + $"|steps={scheduler.StepCount}";
    }

    private sealed class ThreadRecorder : ReceiveActor
    {
        public ThreadRecorder(List<int> threads) => Receive<int>(_ => threads.Add(Environment.CurrentManagedThreadId));
    }

    private sealed class Bouncer : ReceiveActor
    {
        public Bouncer() => Receive<IActorRef>(self => self.Tell(self, Self));
    }

    private sealed class Tracer : ReceiveActor
    {
        public Tracer(List<string> trace, string name) =>
            Receive<int>(i =>
            {
                trace.Add($"{name}:{i}");
                if (i < 3)
                {
                    Sender.Tell(i + 10, Self);
                }
            });
    }
}

public sealed class MailboxTests(ITestOutputHelper output) : TestKitBase(output)
{
    [Fact]
    public void A_bounded_mailbox_dead_letters_what_does_not_fit()
    {
        var gate = new ManualResetEventSlim();
        var actor = Sys.ActorOf(Props.Create(() => new Blocker(gate, TestActor)).WithMailboxCapacity(2));
        actor.Tell("block", null);
        ExpectMsg("blocked");
        DeadLetterFilter<int>(d => d.Reason.Contains("mailbox full", StringComparison.Ordinal)).Expect(2, () =>
        {
            for (var i = 0; i < 4; i++)
            {
                actor.Tell(i, null);
            }
        });
        gate.Set();
        ExpectMsg(0);
        ExpectMsg(1);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Messages_from_one_sender_arrive_in_order()
    {
        var collector = Sys.ActorOf(Props.Create(() => new Blocker(null, TestActor)));
        for (var i = 0; i < 1000; i++)
        {
            collector.Tell(i, null);
        }

        for (var i = 0; i < 1000; i++)
        {
            ExpectMsg(i);
        }
    }

    [Fact]
    public void Concurrent_senders_lose_nothing()
    {
        var counter = Sys.ActorOf(Props.Create(() => new CounterActor(null)));
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 5000; i++)
            {
                counter.Tell("inc", null);
            }
        });
        counter.Tell("get", TestActor);
        ExpectMsg(40_000, TestKitSettings.Dilated(TimeSpan.FromSeconds(20)));
    }

    private sealed class Blocker : ReceiveActor
    {
        public Blocker(ManualResetEventSlim? gate, IActorRef target)
        {
            Receive<string>(_ =>
            {
                target.Tell("blocked", Self);
                gate?.Wait(TimeSpan.FromSeconds(10));
            });
            Receive<int>(i => target.Tell(i, Self));
        }
    }
}

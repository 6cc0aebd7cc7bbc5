using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Actors.Tests;

public sealed class SupervisionTests : TestKitBase
{
    private readonly ITestOutputHelper _output;

    public SupervisionTests(ITestOutputHelper output)
        : base(output) => _output = output;

    private IActorRef Child(IActorRef supervisor, Props props, string? name = null)
    {
        if (name is null)
        {
            supervisor.Tell(props, TestActor);
        }
        else
        {
            supervisor.Tell((props, name), TestActor);
        }

        return ExpectMsg<IActorRef>();
    }

    private IActorRef SupervisorWith(Func<Exception, Directive> decider, int maxRetries = -1, TimeSpan? within = null) =>
        Sys.ActorOf(Props.Create(() => new Supervisor(new OneForOneStrategy(maxRetries, within, decider))));

    [Fact]
    public void Resume_keeps_the_actor_and_its_state()
    {
        var supervisor = SupervisorWith(_ => Directive.Resume);
        var child = Child(supervisor, Props.Create(() => new CounterActor(null)));
        child.Tell("inc", null);
        ExceptionFilter<TestException>().ExpectOne(() => child.Tell(new TestException("boom"), null));
        child.Tell("inc", null);
        child.Tell("get", TestActor);
        ExpectMsg(2);
    }

    [Fact]
    public void Restart_replaces_the_instance_and_runs_the_restart_hooks()
    {
        var lifecycle = CreateTestProbe();
        var supervisor = SupervisorWith(_ => Directive.Restart);
        var child = Child(supervisor, Props.Create(() => new CounterActor(lifecycle.Ref)));
        lifecycle.ExpectMsg("PreStart");
        child.Tell("inc", null);
        child.Tell(new TestException("boom"), null);
        lifecycle.ExpectMsg("PreRestart:boom");
        lifecycle.ExpectMsg("PostStop");
        lifecycle.ExpectMsg("PostRestart:boom");
        lifecycle.ExpectMsg("PreStart");
        child.Tell("get", TestActor);
        ExpectMsg(0);
    }

    [Fact]
    public void Restart_keeps_messages_that_were_queued_behind_the_failure()
    {
        var supervisor = SupervisorWith(_ => Directive.Restart);
        var child = Child(supervisor, Props.Create(() => new CounterActor(null)));
        child.Tell(new TestException("boom"), null);
        child.Tell("inc", null);
        child.Tell("get", TestActor);
        ExpectMsg(1);
    }

    [Fact]
    public void Stop_directive_stops_the_child()
    {
        var supervisor = SupervisorWith(_ => Directive.Stop);
        var child = Child(supervisor, Props.Create(() => new CounterActor(null)));
        Watch(child);
        child.Tell(new TestException("boom"), null);
        ExpectTerminated(child);
    }

    [Fact]
    public void Escalate_hands_the_failure_to_the_grandparent()
    {
        var lifecycle = CreateTestProbe();
        var top = Sys.ActorOf(Props.Create(() => new Supervisor(new OneForOneStrategy(_ => Directive.Stop), null)), "top");
        var middle = Child(top, Props.Create(() => new Supervisor(new OneForOneStrategy(_ => Directive.Escalate), lifecycle.Ref)), "middle");
        var leaf = Child(middle, Props.Create(() => new CounterActor(null)), "leaf");
        Watch(middle);
        Watch(leaf);

        // Logged once, by the deciding supervisor, naming the actor where it started.
        LogFilter(LogLevel.Error, "/user/top/middle/leaf").ExpectOne(() => leaf.Tell(new TestException("deep"), null));
        ExpectTerminated(leaf);
        ExpectTerminated(middle);
        lifecycle.ExpectMsg("Supervisor.PostStop");
    }

    [Fact]
    public async Task Escalation_to_the_root_guardian_terminates_the_system()
    {
        using var kit = new EscalatingKit(_output);
        var child = kit.Sys.ActorOf(Props.Create(() => new CounterActor(null)));
        child.Tell(new TestException("to the top"), null);
        await kit.Sys.WhenTerminated.WaitAsync(kit.TestKitSettings.Dilated(TimeSpan.FromSeconds(10)));
        Assert.Contains(kit.Logs.Entries, e => e.Exception is TestException && e.Message.Contains("/user/", StringComparison.Ordinal));
    }

    [Fact]
    public void Restarts_beyond_the_retry_limit_stop_the_child()
    {
        var supervisor = SupervisorWith(_ => Directive.Restart, maxRetries: 2, within: TimeSpan.FromMinutes(1));
        var child = Child(supervisor, Props.Create(() => new CounterActor(null)));
        Watch(child);
        child.Tell(new TestException("1"), null);
        child.Tell(new TestException("2"), null);
        child.Tell("get", TestActor);
        ExpectMsg(0);
        LogFilter(LogLevel.Error, "Restart limit reached").ExpectOne(() => child.Tell(new TestException("3"), null));
        ExpectTerminated(child);
    }

    [Fact]
    public void Zero_retries_means_the_first_failure_stops_the_child()
    {
        var supervisor = SupervisorWith(_ => Directive.Restart, maxRetries: 0);
        var child = Child(supervisor, Props.Create(() => new CounterActor(null)));
        Watch(child);
        child.Tell(new TestException("once"), null);
        ExpectTerminated(child);
    }

    [Fact]
    public void All_for_one_restarts_every_child()
    {
        var lifecycleA = CreateTestProbe();
        var lifecycleB = CreateTestProbe();
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(new AllForOneStrategy(_ => Directive.Restart), null)));
        var a = Child(supervisor, Props.Create(() => new CounterActor(lifecycleA.Ref)), "a");
        var b = Child(supervisor, Props.Create(() => new CounterActor(lifecycleB.Ref)), "b");
        lifecycleA.ExpectMsg("PreStart");
        lifecycleB.ExpectMsg("PreStart");
        b.Tell("inc", null);
        b.Tell("get", TestActor);
        ExpectMsg(1); // b has counted before a fails: a message still queued would survive the restart
        a.Tell(new TestException("a failed"), null);
        lifecycleB.ExpectMsg("PreRestart:a failed");
        lifecycleA.ExpectMsg("PreRestart:a failed");
        b.Tell("get", TestActor);
        ExpectMsg(0);
    }

    [Fact]
    public void All_for_one_stop_stops_every_child()
    {
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(new AllForOneStrategy(_ => Directive.Stop), null)));
        var a = Child(supervisor, Props.Create(() => new CounterActor(null)));
        var b = Child(supervisor, Props.Create(() => new CounterActor(null)));
        Watch(a);
        Watch(b);
        a.Tell(new TestException("a failed"), null);
        var stopped = new[] { ExpectMsg<Terminated>().ActorRef, ExpectMsg<Terminated>().ActorRef };
        Assert.Contains(a, stopped);
        Assert.Contains(b, stopped);
    }

    [Fact]
    public void Exception_during_restart_stops_the_actor()
    {
        var supervisor = SupervisorWith(SupervisorStrategy.DefaultDecider);
        var attempts = new StrongBox();
        var child = Child(supervisor, Props.Create(() => new FailsAfterRestart(attempts)));
        Watch(child);
        ExceptionFilter<ActorInitializationException>("restart").ExpectOne(() => child.Tell("fail", null));
        ExpectTerminated(child);
    }

    [Fact]
    public void Default_strategy_restarts_a_failing_top_level_actor()
    {
        var counter = Sys.ActorOf(Props.Create(() => new CounterActor(null)));
        counter.Tell("inc", null);
        ExceptionFilter<TestException>().ExpectOne(() => counter.Tell(new TestException("oops"), null));
        counter.Tell("get", TestActor);
        ExpectMsg(0);
    }

    [Fact]
    public void Failure_log_names_the_actor_path_and_the_message_type()
    {
        var counter = Sys.ActorOf(Props.Create(() => new CounterActor(null)), "named");
        var position = Logs.Count;
        counter.Tell(new TestException("typed"), null);
        AwaitCondition(() => Logs.Since(position).Any(e => e.Exception is TestException));
        var entries = Logs.Since(position).Where(e => e.Exception is TestException).ToList();
        var entry = Assert.Single(entries);
        Assert.Equal("/user/named", entry.Properties["ActorPath"]);
        Assert.Equal(nameof(TestException), entry.Properties["MessageType"]);
    }

    private sealed class StrongBox
    {
        public int Value { get; set; }
    }

    private sealed class FailsAfterRestart : ReceiveActor
    {
        public FailsAfterRestart(StrongBox instances)
        {
            instances.Value++;
            Receive<string>(_ => throw new TestException("first failure"));
            Generation = instances.Value;
        }

        private int Generation { get; }

        protected internal override void PostRestart(Exception reason) =>
            throw new InvalidOperationException($"generation {Generation} cannot start after a restart");
    }

    private sealed class EscalatingKit(ITestOutputHelper output)
        : TestKitBase(output, configure: s => s with { GuardianSupervisorStrategy = new OneForOneStrategy(_ => Directive.Escalate) }, systemName: "escalating");
}

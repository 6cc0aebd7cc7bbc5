using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Actors.Tests;

/// <summary>
/// The hooks base classes build on (the persistent actor is the first user): Around* lifecycle
/// wrappers, RunTask from any handler or hook, and RunOnBehalfOf. Deterministic, so "nothing
/// happened yet" is an exact statement rather than a timeout.
/// </summary>
public sealed class ActorHookTests(ITestOutputHelper output) : TestKitBase(output, deterministic: true)
{
    [Fact]
    public void RunTask_holds_user_messages_until_the_task_completes()
    {
        var gate = new TaskCompletionSource();
        var actor = Sys.ActorOf(Props.Create(() => new TaskRunner(gate.Task, TestActor)));
        actor.Tell("work", TestActor);
        actor.Tell("ping", TestActor);
        ExpectMsg("work:started");
        ExpectNoMsg(TimeSpan.FromSeconds(1));

        gate.SetResult();
        ExpectMsg("work:done");
        ExpectMsg("reply-to-work");
        ExpectMsg("ping");
    }

    [Fact]
    public void RunTask_resumes_on_the_actor_with_the_sender_of_the_message_that_started_it()
    {
        var gate = new TaskCompletionSource();
        var actor = Sys.ActorOf(Props.Create(() => new TaskRunner(gate.Task, TestActor)));
        var other = CreateTestProbe("other");
        other.Send(actor, "work");
        ExpectMsg("work:started");
        gate.SetResult();
        ExpectMsg("work:done");
        other.ExpectMsg("reply-to-work");
    }

    [Fact]
    public void RunTask_started_in_PreStart_holds_messages_until_it_completes()
    {
        var gate = new TaskCompletionSource();
        var actor = Sys.ActorOf(Props.Create(() => new TaskRunner(gate.Task, TestActor, inPreStart: true)));
        actor.Tell("ping", TestActor);
        ExpectMsg("prestart:started");
        ExpectNoMsg(TimeSpan.FromSeconds(1));

        gate.SetResult();
        ExpectMsg("prestart:done");
        ExpectMsg("ping");
    }

    [Fact]
    public void RunTask_that_faults_fails_the_actor()
    {
        var gate = new TaskCompletionSource();
        var actor = Sys.ActorOf(Props.Create(() => new TaskRunner(gate.Task, TestActor)));
        actor.Tell("work", TestActor);
        ExpectMsg("work:started");
        ExceptionFilter<TestException>("late boom").ExpectOne(() => gate.SetException(new TestException("late boom")));
        ExpectMsg("restarted");
    }

    [Fact]
    public void RunOnBehalfOf_makes_Sender_the_given_one_and_restores_it_after()
    {
        var first = CreateTestProbe("first");
        var actor = Sys.ActorOf(Props.Create(() => new OnBehalfActor()));
        first.Send(actor, "remember");
        actor.Tell("act", TestActor);
        first.ExpectMsg("on behalf of remember");
        ExpectMsg("back to act");
    }

    [Fact]
    public void Around_hooks_run_even_when_a_subclass_overrides_the_plain_hooks_without_calling_base()
    {
        var actor = Sys.ActorOf(Props.Create(() => new SubclassWithoutBase(TestActor)));
        ExpectMsg("around:PreStart");
        ExpectMsg("PreStart");

        actor.Tell(new TestException("boom"), TestActor);
        ExpectMsg("around:PreRestart:boom");
        ExpectMsg("PreRestart");
        ExpectMsg("around:PostRestart:boom");
        ExpectMsg("PostRestart");

        Watch(actor);
        Sys.Stop(actor);
        ExpectMsg("around:PostStop");
        ExpectMsg("PostStop");
        ExpectTerminated(actor);
    }

    private sealed class TaskRunner : ReceiveActor
    {
        private readonly Task _gate;
        private readonly IActorRef _probe;
        private readonly bool _inPreStart;

        public TaskRunner(Task gate, IActorRef probe, bool inPreStart = false)
        {
            _gate = gate;
            _probe = probe;
            _inPreStart = inPreStart;
            Receive<string>(s => s == "work", _ => RunTask(async () =>
            {
                _probe.Tell("work:started", Self);
                await _gate;
                _probe.Tell("work:done", Self);
                Sender.Tell("reply-to-work", Self);
            }));
            Receive<string>(s => s == "ping", _ => Sender.Tell("ping", Self));
        }

        protected internal override void PreStart()
        {
            if (_inPreStart)
            {
                RunTask(async () =>
                {
                    _probe.Tell("prestart:started", Self);
                    await _gate;
                    _probe.Tell("prestart:done", Self);
                });
            }
        }

        protected internal override void PostRestart(Exception reason) => _probe.Tell("restarted", Self);
    }

    private sealed class OnBehalfActor : ReceiveActor
    {
        private (object Message, IActorRef Sender)? _remembered;

        public OnBehalfActor()
        {
            Receive<string>(s => s == "remember", s => _remembered = (s, Sender));
            Receive<string>(s => s == "act", s =>
            {
                var (message, sender) = _remembered!.Value;
                RunOnBehalfOf(message, sender, () => Sender.Tell($"on behalf of {message}", Self));
                Sender.Tell($"back to {s}", Self);
            });
        }
    }

    /// <summary>A library base class that needs code around the hooks, as the persistent actor does.</summary>
    private abstract class BaseWithAroundHooks(IActorRef probe) : ReceiveActor
    {
        protected IActorRef Probe { get; } = probe;

        protected internal override void AroundPreStart()
        {
            Probe.Tell("around:PreStart", Self);
            base.AroundPreStart();
        }

        protected internal override void AroundPreRestart(Exception reason, object? message)
        {
            Probe.Tell($"around:PreRestart:{reason.Message}", Self);
            base.AroundPreRestart(reason, message);
        }

        protected internal override void AroundPostRestart(Exception reason)
        {
            Probe.Tell($"around:PostRestart:{reason.Message}", Self);
            base.AroundPostRestart(reason);
        }

        protected internal override void AroundPostStop()
        {
            Probe.Tell("around:PostStop", Self);
            base.AroundPostStop();
        }
    }

    private sealed class SubclassWithoutBase : BaseWithAroundHooks
    {
        public SubclassWithoutBase(IActorRef probe)
            : base(probe) => Receive<Exception>(e => throw e);

        protected internal override void PreStart() => Probe.Tell("PreStart", Self);

        protected internal override void PreRestart(Exception reason, object? message) => Probe.Tell("PreRestart", Self);

        protected internal override void PostRestart(Exception reason) => Probe.Tell("PostRestart", Self);

        protected internal override void PostStop() => Probe.Tell("PostStop", Self);
    }
}

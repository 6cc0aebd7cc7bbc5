using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Actors.Tests;

public sealed class ReceiveActorTests(ITestOutputHelper output) : TestKitBase(output)
{
    [Fact]
    public void Handlers_are_tried_in_order_and_predicates_filter()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Classifier()));
        actor.Tell(5, TestActor);
        actor.Tell(50, TestActor);
        actor.Tell("s", TestActor);
        actor.Tell(1.5, TestActor);
        ExpectMsg("small");
        ExpectMsg("big");
        ExpectMsg("string");
        ExpectMsg("any");
    }

    [Fact]
    public void Become_replaces_and_Unbecome_restores_stacked_behaviour()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Switcher()));
        actor.Tell("who", TestActor);
        ExpectMsg("a");
        actor.Tell("push-b", TestActor);
        actor.Tell("who", TestActor);
        ExpectMsg("b");
        actor.Tell("pop", TestActor);
        actor.Tell("who", TestActor);
        ExpectMsg("a");
        actor.Tell("become-c", TestActor);
        actor.Tell("who", TestActor);
        ExpectMsg("c");
    }

    [Fact]
    public void Registering_a_handler_outside_the_constructor_fails()
    {
        var actor = Sys.ActorOf(Props.Create(() => new LateRegistrar()));
        ExceptionFilter<InvalidOperationException>("only be registered in the constructor").ExpectOne(() => actor.Tell("go", null));
    }

    [Fact]
    public void ReceiveAsync_holds_the_mailbox_until_the_task_completes()
    {
        var gate = new TaskCompletionSource();
        var actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(gate.Task)));
        actor.Tell("slow", TestActor);
        actor.Tell("fast", TestActor);
        ExpectMsg("slow:started");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        gate.SetResult();
        ExpectMsg("slow:done");
        ExpectMsg("fast");
    }

    [Fact]
    public void ReceiveAsync_keeps_Self_and_Sender_after_an_await()
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(Task.Delay(20))));
        actor.Tell("slow", TestActor);
        ExpectMsg("slow:started");
        ExpectMsg("slow:done");
        Assert.Equal(actor, Probe.LastSender);
    }

    [Fact]
    public void A_faulted_async_handler_fails_the_actor()
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(Task.FromException(new TestException("async boom")))));
        Watch(actor);
        ExceptionFilter<TestException>("async boom").ExpectOne(() => actor.Tell("slow", TestActor));
        ExpectMsg("slow:started");

        // Restarted by the default strategy: it answers again.
        actor.Tell("fast", TestActor);
        ExpectMsg("fast");
    }

    [Fact]
    public void UntypedActor_reports_what_it_passes_to_Unhandled()
    {
        Sys.EventStream.Subscribe<UnhandledMessage>(TestActor);
        var actor = Sys.ActorOf(Props.Create(() => new Untyped()));
        actor.Tell("known", TestActor);
        ExpectMsg("ok");
        actor.Tell(3, TestActor);
        Assert.Equal(3, ExpectMsg<UnhandledMessage>().Message);
    }

    private sealed class Classifier : ReceiveActor
    {
        public Classifier()
        {
            Receive<int>(i => i < 10, _ => Sender.Tell("small", Self));
            Receive<int>(_ => Sender.Tell("big", Self));
            Receive<string>(_ => Sender.Tell("string", Self));
            ReceiveAny(_ => Sender.Tell("any", Self));
        }
    }

    private sealed class Switcher : ReceiveActor
    {
        public Switcher()
        {
            Receive<string>(s => s == "who", _ => Sender.Tell("a", Self));
            Receive<string>(s => s == "push-b", _ => BecomeStacked(() =>
            {
                Receive<string>(s => s == "who", _ => Sender.Tell("b", Self));
                Receive<string>(s => s == "pop", _ => Unbecome());
            }));
            Receive<string>(s => s == "become-c", _ => Become(() => Receive<string>(s => s == "who", _ => Sender.Tell("c", Self))));
        }
    }

    private sealed class LateRegistrar : ReceiveActor
    {
        public LateRegistrar() => Receive<string>(_ => Receive<int>(_ => { }));
    }

    private sealed class AsyncWorker : ReceiveActor
    {
        public AsyncWorker(Task wait)
        {
            ReceiveAsync<string>(s => s == "slow", async _ =>
            {
                Sender.Tell("slow:started", Self);
                await wait;
                Sender.Tell("slow:done", Self);
            });
            Receive<string>(s => s == "fast", _ => Sender.Tell("fast", Self));
        }
    }

    private sealed class Untyped : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is "known")
            {
                Sender.Tell("ok", Self);
            }
            else
            {
                Unhandled(message);
            }
        }
    }
}

using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Actors.Tests;

public sealed class AskAndPipeToTests(ITestOutputHelper output) : TestKitBase(output)
{
    [Fact]
    public async Task Ask_returns_the_reply()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Assert.Equal("hi", await echo.Ask<string>("hi", TestKitSettings.Dilated(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task Ask_timeout_names_the_target_and_the_message_type()
    {
        var silent = Sys.ActorOf(Props.Create(() => new SilentActor()), "silent");
        var error = await Assert.ThrowsAsync<AskTimeoutException>(() => silent.Ask<string>(new Question(), TimeSpan.FromMilliseconds(100)));
        Assert.Contains("/user/silent", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Question), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_with_a_failure_reply_throws_its_cause()
    {
        var failing = Sys.ActorOf(Props.Create(() => new FailureReplier()));
        var error = await Assert.ThrowsAsync<TestException>(() => failing.Ask<string>("x", TestKitSettings.Dilated(TimeSpan.FromSeconds(5))));
        Assert.Equal("no", error.Message);
    }

    [Fact]
    public async Task Ask_with_a_reply_of_another_type_says_what_it_got()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var error = await Assert.ThrowsAsync<InvalidCastException>(() => echo.Ask<int>("text", TestKitSettings.Dilated(TimeSpan.FromSeconds(5))));
        Assert.Contains("expected a Int32 but the reply was a String", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_can_be_cancelled()
    {
        var silent = Sys.ActorOf(Props.Create(() => new SilentActor()));
        using var cts = new CancellationTokenSource();
        var pending = silent.Ask<string>("x", TimeSpan.FromMinutes(1), cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public async Task A_late_reply_to_a_timed_out_ask_is_a_dead_letter()
    {
        var delayed = Sys.ActorOf(Props.Create(() => new HoldingActor()));
        await Assert.ThrowsAsync<AskTimeoutException>(() => delayed.Ask<string>("q", TimeSpan.FromMilliseconds(50)));
        DeadLetterFilter<string>(d => d.Reason.Contains("Ask", StringComparison.Ordinal)).ExpectOne(() => delayed.Tell("release", null));
    }

    [Fact]
    public void PipeTo_delivers_a_result_or_a_failure()
    {
        Task.FromResult(7).PipeTo(TestActor);
        ExpectMsg(7);
        Task.FromException<int>(new TestException("bad")).PipeTo(TestActor);
        Assert.Equal("bad", ExpectMsg<Status.Failure>().Cause.Message);
        Task.FromResult(7).PipeTo(TestActor, success: v => $"got {v}");
        ExpectMsg("got 7");
        Task.CompletedTask.PipeTo(TestActor);
        ExpectMsg<Status.Success>();
    }

    private sealed record Question;

    private sealed class SilentActor : ReceiveActor
    {
        public SilentActor() => ReceiveAny(_ => { });
    }

    private sealed class FailureReplier : ReceiveActor
    {
        public FailureReplier() => ReceiveAny(_ => Sender.Tell(new Status.Failure(new TestException("no")), Self));
    }

    private sealed class HoldingActor : ReceiveActor
    {
        private IActorRef? _asker;

        public HoldingActor()
        {
            Receive<string>(s => s == "q", _ => _asker = Sender);
            Receive<string>(s => s == "release", _ => _asker?.Tell("late", Self));
        }
    }
}

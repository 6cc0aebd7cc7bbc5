using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace PeerSync.TestKit.Tests;

/// <summary>The probe's expectations, proven on virtual time so every timeout is exact.</summary>
public sealed class TestProbeTests(ITestOutputHelper output) : TestKitBase(output, deterministic: true)
{
    [Fact]
    public void ExpectMsg_returns_a_matching_message()
    {
        TestActor.Tell(42, null);
        Assert.Equal(42, ExpectMsg<int>(i => i > 40));
    }

    [Fact]
    public void ExpectMsg_fails_naming_what_arrived_instead()
    {
        TestActor.Tell("text", null);
        var error = Assert.Throws<XunitException>(() => ExpectMsg<int>());
        Assert.Contains("expected Int32 but received", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsg_fails_when_the_predicate_does_not_match()
    {
        TestActor.Tell(1, null);
        var error = Assert.Throws<XunitException>(() => ExpectMsg<int>(i => i > 1));
        Assert.Contains("did not match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsg_times_out_after_exactly_its_timeout_in_virtual_time()
    {
        var start = Time.GetUtcNow();
        var error = Assert.Throws<XunitException>(() => ExpectMsg<int>(timeout: TimeSpan.FromSeconds(7)));
        Assert.Contains("timeout (7000 ms)", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(7), Time.GetUtcNow() - start);
    }

    [Fact]
    public void ExpectMsg_by_value_compares_with_equality()
    {
        TestActor.Tell("a", null);
        ExpectMsg("a");
        TestActor.Tell("b", null);
        Assert.Throws<XunitException>(() => ExpectMsg("c"));
    }

    [Fact]
    public void ExpectNoMsg_passes_on_silence_and_fails_on_a_message()
    {
        ExpectNoMsg(TimeSpan.FromSeconds(1));
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(500), TestActor, "late");
        var error = Assert.Throws<XunitException>(() => ExpectNoMsg(TimeSpan.FromSeconds(1)));
        Assert.Contains("received \"late\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReceiveN_returns_messages_in_order_or_says_how_many_came()
    {
        for (var i = 0; i < 3; i++)
        {
            TestActor.Tell(i, null);
        }

        Assert.Equal([0, 1, 2], ReceiveN(3).Cast<int>());
        TestActor.Tell(9, null);
        var error = Assert.Throws<XunitException>(() => ReceiveN(2, TimeSpan.FromSeconds(1)));
        Assert.Contains("after 1 of 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FishForMessage_skips_until_the_target()
    {
        TestActor.Tell("noise", null);
        TestActor.Tell(1, null);
        TestActor.Tell(5, null);
        TestActor.Tell(6, null);
        Assert.Equal(5, FishForMessage<int>(i => i > 3));
        ExpectMsg(6);
    }

    [Fact]
    public void FishForMessage_reports_how_many_it_skipped_on_timeout()
    {
        TestActor.Tell("noise", null);
        var error = Assert.Throws<XunitException>(() => FishForMessage<int>(_ => true, TimeSpan.FromSeconds(1)));
        Assert.Contains("skipped 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Within_caps_inner_waits_and_checks_the_bounds()
    {
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(2), TestActor, "two");
        Probe.Within(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), () => ExpectMsg("two", TimeSpan.FromSeconds(10)));

        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(5), TestActor, "five");
        var tooSlow = Assert.Throws<XunitException>(() => Within(TimeSpan.FromSeconds(3), () => ExpectMsg("five", TimeSpan.FromSeconds(10))));
        Assert.Contains("timeout (3000 ms)", tooSlow.Message, StringComparison.Ordinal);

        TestActor.Tell("now", null);
        var tooFast = Assert.Throws<XunitException>(() => Probe.Within(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), () => ExpectMsg("now")));
        Assert.Contains("less than the minimum", tooFast.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Watch_and_ExpectTerminated_see_a_stop()
    {
        var probe = CreateTestProbe();
        var target = CreateTestProbe();
        probe.Watch(target.Ref);
        Sys.Stop(target.Ref);
        Assert.True(probe.ExpectTerminated(target.Ref).ExistenceConfirmed);
    }

    [Fact]
    public void Reply_and_Forward_use_the_last_sender()
    {
        var client = CreateTestProbe();
        var server = CreateTestProbe();
        var other = CreateTestProbe();
        client.Send(server.Ref, "request");
        server.ExpectMsg("request");
        server.Reply("response");
        client.ExpectMsg("response");
        Assert.Equal(server.Ref, client.LastSender);

        client.Send(server.Ref, "pass on");
        server.ExpectMsg("pass on");
        server.Forward(other.Ref);
        other.ExpectMsg("pass on");
        Assert.Equal(client.Ref, other.LastSender);
    }

    [Fact]
    public void AwaitCondition_passes_virtual_time_until_true_or_fails_with_the_message()
    {
        var start = Time.GetUtcNow();
        AwaitCondition(() => Time.GetUtcNow() - start >= TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));
        var error = Assert.Throws<XunitException>(() => AwaitCondition(() => false, TimeSpan.FromSeconds(1), message: "never"));
        Assert.Contains("never", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AwaitAssert_retries_until_the_assertion_holds_and_rethrows_the_last_failure()
    {
        var start = Time.GetUtcNow();
        AwaitAssert(() => Assert.True(Time.GetUtcNow() - start >= TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(3));
        var error = Assert.ThrowsAny<XunitException>(() => AwaitAssert(() => Assert.Equal(1, 2), TimeSpan.FromSeconds(1)));
        Assert.Contains("Assert.Equal", error.Message, StringComparison.Ordinal);
    }
}

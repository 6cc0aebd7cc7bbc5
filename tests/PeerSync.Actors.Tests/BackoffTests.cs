using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Actors.Tests;

public sealed class BackoffPolicyTests
{
    [Fact]
    public void Delay_doubles_from_the_minimum_up_to_the_maximum()
    {
        var policy = new BackoffPolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), 0);
        Assert.Equal(TimeSpan.FromMilliseconds(200), policy.Delay(0, 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(400), policy.Delay(1, 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(6400), policy.Delay(5, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.Delay(6, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.Delay(1000, 0.5));
    }

    [Fact]
    public void Jitter_stretches_the_delay_by_at_most_the_random_factor()
    {
        var policy = new BackoffPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 0.2);
        Assert.Equal(TimeSpan.FromSeconds(1), policy.Delay(0, 0));
        Assert.Equal(TimeSpan.FromSeconds(1.1), policy.Delay(0, 0.5));
        Assert.True(policy.Delay(0, 0.9999) <= TimeSpan.FromSeconds(1.2));
    }

    [Theory]
    [InlineData(0, 1, 0.1, "minimum backoff must be positive")]
    [InlineData(2, 1, 0.1, "at least the minimum")]
    [InlineData(1, 2, 1.5, "between 0 and 1")]
    public void Invalid_settings_are_rejected_with_the_reason(int minSeconds, int maxSeconds, double factor, string expected)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffPolicy(TimeSpan.FromSeconds(minSeconds), TimeSpan.FromSeconds(maxSeconds), factor));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}

/// <summary>The backoff supervisor under virtual time: delays are asserted exactly.</summary>
public sealed class BackoffSupervisorTests(ITestOutputHelper output) : TestKitBase(output, deterministic: true)
{
    private IActorRef StartSupervisor(BackoffMode mode, int? maxRestarts = null) =>
        Sys.ActorOf(BackoffSupervisor.Props(new BackoffOptions(
            Props.Create(() => new CounterActor(TestActor)),
            "child",
            new BackoffPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), 0))
        {
            Mode = mode,
            ResetAfter = TimeSpan.FromSeconds(30),
            MaxRestarts = maxRestarts,
            JitterSeed = 1,
        }));

    [Fact]
    public void Failing_child_is_recreated_after_growing_delays()
    {
        var supervisor = StartSupervisor(BackoffMode.OnFailure);
        ExpectMsg("PreStart");
        var expectedDelays = new[] { 1, 2, 4, 8, 8 };
        foreach (var seconds in expectedDelays)
        {
            supervisor.Tell(new TestException("fail"), null);
            ExpectMsg("PostStop");
            var stoppedAt = Time.GetUtcNow();
            ExpectMsg("PreStart", TimeSpan.FromSeconds(20));
            Assert.Equal(TimeSpan.FromSeconds(seconds), Time.GetUtcNow() - stoppedAt);
        }
    }

    [Fact]
    public void Backoff_resets_once_the_child_has_been_stable()
    {
        var supervisor = StartSupervisor(BackoffMode.OnFailure);
        ExpectMsg("PreStart");
        supervisor.Tell(new TestException("fail"), null);
        ExpectMsg("PostStop");
        ExpectMsg("PreStart", TimeSpan.FromSeconds(20));
        supervisor.Tell(BackoffSupervisor.GetRestartCount.Instance, TestActor);
        Assert.Equal(1, ExpectMsg<BackoffSupervisor.RestartCount>().Count);

        Scheduler!.Advance(TimeSpan.FromSeconds(31));
        supervisor.Tell(BackoffSupervisor.GetRestartCount.Instance, TestActor);
        Assert.Equal(0, ExpectMsg<BackoffSupervisor.RestartCount>().Count);
        supervisor.Tell(new TestException("fail"), null);
        ExpectMsg("PostStop");
        var stoppedAt = Time.GetUtcNow();
        ExpectMsg("PreStart", TimeSpan.FromSeconds(20));
        Assert.Equal(TimeSpan.FromSeconds(1), Time.GetUtcNow() - stoppedAt);
    }

    [Fact]
    public void Messages_are_forwarded_to_the_child_and_dead_lettered_while_it_restarts()
    {
        var supervisor = StartSupervisor(BackoffMode.OnFailure);
        ExpectMsg("PreStart");
        supervisor.Tell("inc", null);
        supervisor.Tell("get", TestActor);
        ExpectMsg(1);
        supervisor.Tell(new TestException("fail"), null);
        ExpectMsg("PostStop");
        DeadLetterFilter<string>(d => d.Reason.Contains("restarting", StringComparison.Ordinal)).ExpectOne(() => supervisor.Tell("inc", null));
    }

    [Fact]
    public void OnStop_mode_restarts_in_place_on_failure()
    {
        var supervisor = StartSupervisor(BackoffMode.OnStop);
        ExpectMsg("PreStart");
        supervisor.Tell(new TestException("fail"), null);
        ExpectMsg("PreRestart:fail");
        supervisor.Tell(BackoffSupervisor.GetRestartCount.Instance, TestActor);
        FishForMessage<BackoffSupervisor.RestartCount>(c => c.Count == 0);
    }

    [Fact]
    public void Supervisor_gives_up_after_max_restarts()
    {
        var supervisor = StartSupervisor(BackoffMode.OnFailure, maxRestarts: 1);
        Watch(supervisor);
        ExpectMsg("PreStart");
        supervisor.Tell(new TestException("fail"), null);
        ExpectMsg("PostStop");
        ExpectMsg("PreStart", TimeSpan.FromSeconds(5));
        supervisor.Tell(new TestException("fail"), null);
        ExpectMsg("PostStop");
        ExpectTerminated(supervisor, TimeSpan.FromSeconds(5));
    }
}

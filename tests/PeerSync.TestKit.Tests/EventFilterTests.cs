using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace PeerSync.TestKit.Tests;

public sealed class EventFilterTests(ITestOutputHelper output) : TestKitBase(output)
{
    [Fact]
    public void Exception_filter_counts_logged_failures()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Thrower()));
        ExceptionFilter<InvalidOperationException>("bad input").ExpectOne(() => actor.Tell("bad input", null));
    }

    [Fact]
    public void Exception_filter_fails_when_the_count_differs()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Thrower()));
        var error = Assert.Throws<XunitException>(() =>
            ExceptionFilter<InvalidOperationException>().Expect(
                2,
                () =>
                {
                    // Wait inside the block until the one failure is logged, so the count is known.
                    var before = Logs.Count;
                    actor.Tell("once", null);
                    AwaitCondition(() => Logs.Since(before).Any(e => e.Exception is InvalidOperationException));
                },
                TimeSpan.FromMilliseconds(300)));
        Assert.Contains("expected 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("saw 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_filter_matches_level_and_text()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Logger()));
        LogFilter(LogLevel.Warning, "disk almost full").ExpectOne(() => actor.Tell("warn", null));
    }

    [Fact]
    public void Dead_letter_filter_counts_dead_letters_of_a_type()
    {
        DeadLetterFilter<string>().Expect(2, () =>
        {
            Sys.DeadLetters.Tell("a", null);
            Sys.DeadLetters.Tell(1, null);
            Sys.DeadLetters.Tell("b", null);
        });
    }

    [Fact]
    public void Captured_entries_carry_the_actor_path()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Logger()), "logger");
        actor.Tell("warn", null);
        AwaitCondition(() => Logs.Entries.Any(e => e.Message.Contains("disk", StringComparison.Ordinal)));
        var entry = Logs.Entries.Single(e => e.Message.Contains("disk", StringComparison.Ordinal));
        Assert.Equal("/user/logger", entry.Properties["ActorPath"]);
        Assert.Equal(93, entry.Properties["Percent"]);
    }

    private sealed class Thrower : ReceiveActor
    {
        public Thrower() => Receive<string>(s => throw new InvalidOperationException(s));
    }

    private sealed class Logger : ReceiveActor
    {
        public Logger() => Receive<string>(_ => Log.LogWarning("disk almost full: {Percent}%", 93));
    }
}

public sealed class TestKitSettingsTests
{
    [Theory]
    [InlineData(null, 1.0)]
    [InlineData("", 1.0)]
    [InlineData("2.5", 2.5)]
    public void Time_factor_comes_from_the_environment(string? text, double expected) =>
        Assert.Equal(expected, TestKitSettings.ReadTimeFactor(text));

    [Theory]
    [InlineData("fast")]
    [InlineData("0.5")]
    public void A_bad_time_factor_is_rejected_with_the_variable_name(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => TestKitSettings.ReadTimeFactor(text));
        Assert.Contains(TestKitSettings.TimeFactorVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dilated_scales_every_wait()
    {
        var settings = new TestKitSettings { TimeFactor = 3 };
        Assert.Equal(TimeSpan.FromSeconds(9), settings.Dilated(TimeSpan.FromSeconds(3)));
    }
}

public sealed class ShutdownTests
{
    [Fact]
    public void Dispose_terminates_the_actor_system()
    {
        var kit = new PlainKit();
        var system = kit.Sys;
        kit.Dispose();
        Assert.True(system.IsTerminated);
    }

    [Fact]
    public void Dispose_of_a_deterministic_kit_drives_the_shutdown()
    {
        var kit = new PlainKit(deterministic: true);
        kit.Sys.ActorOf(Props.Create(() => new Idle()));
        kit.Dispose();
        Assert.True(kit.Sys.IsTerminated);
    }

    private sealed class PlainKit(bool deterministic = false) : TestKitBase(deterministic: deterministic);

    private sealed class Idle : ReceiveActor;
}

using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Clock;

public sealed class HybridLogicalClockTests
{
    private static HybridLogicalClock Clock(long skewMs = 60_000) => new(new HlcConfig(skewMs));

    [Fact]
    public void Hlc_packs_48_bits_of_milliseconds_and_16_of_counter_in_order()
    {
        var a = Hlc.From(1_700_000_000_000, 5);
        Assert.Equal(1_700_000_000_000, a.PhysicalMs);
        Assert.Equal(5, a.Counter);
        Assert.True(Hlc.From(1, 0) > Hlc.From(0, Hlc.MaxCounter));
        Assert.Equal(a, Hlc.Parse(a.ToString()));
        Assert.Equal(a, Hlc.FromInt64(a.ToInt64()));
    }

    [Theory]
    [InlineData("12")]
    [InlineData("x.1")]
    [InlineData("1.70000")]
    public void Hlc_parse_names_the_format_when_invalid(string text) =>
        Assert.Contains("physicalMs.counter", Assert.Throws<FormatException>(() => Hlc.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void Hlc_refuses_values_outside_its_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Hlc.From(-1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hlc.From(Hlc.MaxPhysicalMs + 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hlc.From(0, Hlc.MaxCounter + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hlc.FromInt64(-5));
    }

    [Fact]
    public void Now_takes_the_previous_value_when_the_physical_clock_is_behind()
    {
        var clock = Clock();
        Assert.Equal(H(1000), clock.Now(1000));
        Assert.Equal(H(1000, 1), clock.Now(1000));
        Assert.Equal(H(1000, 2), clock.Now(900));
        Assert.Equal(H(1001), clock.Now(1001));
    }

    [Fact]
    public void Receive_adopts_a_remote_value_so_the_next_local_event_sorts_after_it()
    {
        // A node 5 s behind sees a peer's write and writes after it: its write must win.
        var clock = Clock();
        var remote = H(10_000, 7);
        var result = clock.Receive(remote, 5_000);
        Assert.True(result.Accepted);
        Assert.Equal(H(10_000, 8), result.Clock);
        Assert.True(clock.Now(5_001) > remote);
    }

    [Fact]
    public void Receive_follows_the_paper_when_local_and_remote_share_the_millisecond()
    {
        var clock = Clock();
        clock.Now(2000);
        clock.Now(2000);
        Assert.Equal(H(2000, 6), clock.Receive(H(2000, 5), 1000).Clock);
        Assert.Equal(H(3000), clock.Receive(H(2500, 9), 3000).Clock);
    }

    [Fact]
    public void Receive_rejects_a_value_beyond_the_skew_without_moving_the_clock()
    {
        var clock = Clock();
        var before = clock.Now(1_700_000_000_000);
        var oneYear = 365L * 24 * 3600 * 1000;
        var result = clock.Receive(H(1_700_000_000_000 + oneYear), 1_700_000_000_000);
        Assert.False(result.Accepted);
        Assert.Equal(before, clock.Last);
        Assert.Equal(1, clock.RejectedCount);
        Assert.Contains("max-clock-skew", result.Reason, StringComparison.Ordinal);
        Assert.Equal(oneYear, result.SkewMs);
    }

    [Fact]
    public void Receive_accepts_a_5_second_skew_under_the_default_limit()
    {
        var clock = new HybridLogicalClock(HlcConfig.Default);
        Assert.True(clock.Receive(H(105_000), 100_000).Accepted);
    }

    [Fact]
    public void Counter_overflow_advances_the_millisecond_and_keeps_order()
    {
        var clock = Clock();
        Assert.Equal(H(501), clock.Receive(H(500, Hlc.MaxCounter), 500).Clock);
        Assert.Equal(1, clock.CounterOverflowCount);
        Assert.Equal(H(501, 1), clock.Now(500));
    }

    [Fact]
    public void Recover_never_lets_the_clock_issue_below_the_last_value()
    {
        var clock = Clock();
        clock.Recover(H(9000, 3));
        Assert.True(clock.Now(1000) > H(9000, 3));
        clock.Recover(H(1));
        Assert.True(clock.Last >= H(9000, 4));
    }

    [Fact]
    public void Physical_time_outside_the_range_is_a_caller_bug() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Clock().Now(-1));

    [Fact]
    public void Admission_cuts_a_range_before_its_first_value_from_too_far_ahead()
    {
        var clock = Clock(1000);
        var b = Origin("b");
        var range = new ChangeRange(b, H(10), H(5000), [Shared("tags", "x", "1", b, H(20)), Shared("tags", "y", "2", b, H(4000)), Shared("tags", "z", "3", b, H(5000))]);
        var admitted = ClockAdmission.Admit([range], clock, 2000);
        Assert.Single(admitted.Rejections);
        Assert.Equal(b, admitted.Rejections[0].Origin);
        Assert.Equal(H(20), admitted.Ranges[0].ThroughInclusive);
        Assert.Single(admitted.Ranges[0].Changes);
        Assert.Null(admitted.Ranges[0].Validate());
        Assert.True(clock.Last < H(4000));
    }

    [Fact]
    public void Admission_checks_the_end_of_an_empty_range_too()
    {
        var clock = Clock(1000);
        var b = Origin("b");
        var admitted = ClockAdmission.Admit([new ChangeRange(b, H(10), H(9000), [])], clock, 2000);
        Assert.True(admitted.AnyRejected);
        Assert.Equal(H(10), admitted.Ranges[0].ThroughInclusive);
    }
}

using PeerSync.Hosting.Configuration;

namespace PeerSync.Hosting.Tests.Configuration;

public sealed class HoconDurationTests
{
    [Theory]
    [InlineData("3s", 3 * TimeSpan.TicksPerSecond)]
    [InlineData("100ms", 100 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1.5 minutes", 90 * TimeSpan.TicksPerSecond)]
    [InlineData("250", 250 * TimeSpan.TicksPerMillisecond)]
    [InlineData("0.5", TimeSpan.TicksPerMillisecond / 2)]
    [InlineData("  2 h  ", 2 * TimeSpan.TicksPerHour)]
    [InlineData("1d", TimeSpan.TicksPerDay)]
    [InlineData("7 days", 7 * TimeSpan.TicksPerDay)]
    [InlineData("1m", TimeSpan.TicksPerMinute)]
    [InlineData("1 second", TimeSpan.TicksPerSecond)]
    [InlineData("1 millisecond", TimeSpan.TicksPerMillisecond)]
    [InlineData("5 millis", 5 * TimeSpan.TicksPerMillisecond)]
    [InlineData("2000 micros", 2 * TimeSpan.TicksPerMillisecond)]
    [InlineData("3us", 30)]
    [InlineData("100ns", 1)]
    [InlineData("149 nanoseconds", 1)]
    [InlineData("150 nanoseconds", 2)]
    [InlineData("-5s", -5 * TimeSpan.TicksPerSecond)]
    [InlineData("+5s", 5 * TimeSpan.TicksPerSecond)]
    [InlineData(".5s", TimeSpan.TicksPerSecond / 2)]
    [InlineData("1e3", TimeSpan.TicksPerSecond)]
    [InlineData("0", 0)]
    public void Duration_parses_when_number_and_unit_are_valid(string text, long expectedTicks)
    {
        Assert.True(HoconDuration.TryParse(text, out var value, out var error), error);
        Assert.Equal(expectedTicks, value.Ticks);
        Assert.Equal(expectedTicks, HoconDuration.Parse(text).Ticks);
    }

    [Theory]
    [InlineData("3S", "unknown unit 'S'")]
    [InlineData("3 sec", "unknown unit 'sec'")]
    [InlineData("2 weeks", "unknown unit 'weeks'")]
    [InlineData("ms", "expected a number and a unit")]
    [InlineData("fast", "expected a number and a unit")]
    [InlineData("1 2s", "expected a number and a unit")]
    [InlineData("1..2s", "expected a number and a unit")]
    [InlineData("3s5", "expected a number and a unit")]
    public void Duration_is_an_error_naming_the_text_and_the_units_when_malformed(string text, string problem)
    {
        Assert.False(HoconDuration.TryParse(text, out _, out var error));
        Assert.Contains($"'{text}' is not a duration: {problem}", error, StringComparison.Ordinal);
        Assert.Contains(HoconDuration.AcceptedUnits, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Duration_is_an_error_when_empty(string? text)
    {
        Assert.False(HoconDuration.TryParse(text, out _, out var error));
        Assert.StartsWith("a duration must not be empty", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("11000000 days")]
    [InlineData("-11000000 days")]
    [InlineData("1e400s")]
    public void Duration_is_an_error_when_out_of_range(string text)
    {
        Assert.False(HoconDuration.TryParse(text, out _, out var error));
        Assert.StartsWith($"'{text}' is out of range for a duration", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_throws_a_format_exception_with_the_error_when_malformed()
    {
        var error = Assert.Throws<FormatException>(() => HoconDuration.Parse("3 sec"));

        Assert.StartsWith("'3 sec' is not a duration: unknown unit 'sec'", error.Message, StringComparison.Ordinal);
    }
}

namespace PeerSync.Cli.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("10", 10_000)]
    [InlineData("10s", 10_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("250ms", 250)]
    [InlineData("2m", 120_000)]
    [InlineData("1H", 3_600_000)]
    [InlineData(" 3s ", 3_000)]
    public void Durations_parse_operator_forms(string text, int expectedMs)
    {
        Assert.True(Durations.TryParse(text, out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), duration);
    }

    [Theory]
    [InlineData("", "'' is not a duration; write it like 500ms, 10s, 2m or 1h")]
    [InlineData("s", "'s' is not a duration; write it like 500ms, 10s, 2m or 1h")]
    [InlineData("-1s", "'-1s' is not a duration; write it like 500ms, 10s, 2m or 1h")]
    [InlineData("3 days", "'3 days' is not a duration; write it like 500ms, 10s, 2m or 1h")]
    [InlineData("3d", "'3d' has unknown unit 'd'; use ms, s, m or h")]
    [InlineData("0ms", "'0ms' is out of range; a duration is more than 0 and at most 24h")]
    [InlineData("25h", "'25h' is out of range; a duration is more than 0 and at most 24h")]
    public void Durations_reject_bad_text_naming_the_problem(string text, string expected)
    {
        Assert.False(Durations.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData(500, "500ms")]
    [InlineData(1_000, "1s")]
    [InlineData(1_500, "1.5s")]
    [InlineData(10_000, "10s")]
    [InlineData(120_000, "2m")]
    [InlineData(90_000, "90s")]
    [InlineData(3_600_000, "1h")]
    public void Durations_format_in_the_shortest_exact_unit(int ms, string expected)
    {
        Assert.Equal(expected, Durations.Format(TimeSpan.FromMilliseconds(ms)));
    }
}

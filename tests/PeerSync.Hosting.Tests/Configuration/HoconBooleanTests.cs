using PeerSync.Hosting.Configuration;

namespace PeerSync.Hosting.Tests.Configuration;

public sealed class HoconBooleanTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("yes", true)]
    [InlineData("on", true)]
    [InlineData("True", true)]
    [InlineData(" ON ", true)]
    [InlineData("false", false)]
    [InlineData("no", false)]
    [InlineData("off", false)]
    [InlineData("False", false)]
    public void Boolean_parses_when_it_is_one_of_the_six_words(string text, bool expected)
    {
        Assert.True(HoconBoolean.TryParse(text, out var value, out var error), error);
        Assert.Equal(expected, value);
        Assert.Equal(expected, HoconBoolean.Parse(text));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("enabled")]
    [InlineData("")]
    [InlineData(null)]
    public void Boolean_is_an_error_listing_the_words_when_unknown(string? text)
    {
        Assert.False(HoconBoolean.TryParse(text, out _, out var error));
        Assert.Equal($"'{text}' is not a boolean; use true, yes, on, false, no or off", error);
    }
}

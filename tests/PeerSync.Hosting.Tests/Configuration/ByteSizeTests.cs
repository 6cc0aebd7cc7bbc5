using PeerSync.Hosting.Configuration;

namespace PeerSync.Hosting.Tests.Configuration;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("4MiB", 4L << 20)]
    [InlineData("4M", 4L << 20)]
    [InlineData("4m", 4L << 20)]
    [InlineData("4 Mi", 4L << 20)]
    [InlineData("4 mebibytes", 4L << 20)]
    [InlineData("512k", 512L << 10)]
    [InlineData("512K", 512L << 10)]
    [InlineData("1 kibibyte", 1024)]
    [InlineData("1000", 1000)]
    [InlineData("1000 B", 1000)]
    [InlineData("1 byte", 1)]
    [InlineData("3 bytes", 3)]
    [InlineData("1kB", 1000)]
    [InlineData("2 kilobytes", 2000)]
    [InlineData("1MB", 1_000_000)]
    [InlineData("1 megabyte", 1_000_000)]
    [InlineData("1GB", 1_000_000_000)]
    [InlineData("1G", 1L << 30)]
    [InlineData("1TiB", 1L << 40)]
    [InlineData("1 PB", 1_000_000_000_000_000)]
    [InlineData("1 pebibytes", 1L << 50)]
    [InlineData("1EB", 1_000_000_000_000_000_000)]
    [InlineData("7E", 7L << 60)]
    [InlineData("0.5M", 512L << 10)]
    [InlineData("1.5k", 1536)]
    [InlineData("0", 0)]
    public void Size_parses_when_number_and_unit_are_valid(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out var bytes, out var error), error);
        Assert.Equal(expected, bytes);
        Assert.Equal(expected, ByteSize.Parse(text));
    }

    [Theory]
    [InlineData("4 MiBs", "unknown unit 'MiBs'")]
    [InlineData("4 mb", "unknown unit 'mb'")]
    [InlineData("4 KB", "unknown unit 'KB'")]
    [InlineData("MiB", "expected a number and a unit")]
    [InlineData("four MiB", "expected a number and a unit")]
    public void Size_is_an_error_naming_the_text_and_the_units_when_malformed(string text, string problem)
    {
        Assert.False(ByteSize.TryParse(text, out _, out var error));
        Assert.Contains($"'{text}' is not a size: {problem}", error, StringComparison.Ordinal);
        Assert.Contains(ByteSize.AcceptedUnits, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "a size must not be empty")]
    [InlineData("-1k", "'-1k' is negative; a size must be zero or more bytes")]
    [InlineData("0.3k", "'0.3k' is 307.2 bytes; a size must be a whole number of bytes")]
    [InlineData("1.5 bytes", "'1.5 bytes' is 1.5 bytes; a size must be a whole number of bytes")]
    [InlineData("8EiB", "'8EiB' is out of range for a size")]
    [InlineData("1ZB", "'1ZB' is out of range for a size")]
    [InlineData("1 yobibyte", "'1 yobibyte' is out of range for a size")]
    [InlineData("1e400", "'1e400' is out of range for a size")]
    public void Size_is_an_error_when_the_value_is_not_a_whole_number_of_bytes_in_range(string text, string problem)
    {
        Assert.False(ByteSize.TryParse(text, out _, out var error));
        Assert.StartsWith(problem, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Size_accepts_the_largest_long_when_written_in_bytes() =>
        Assert.Equal(long.MaxValue, ByteSize.Parse(long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Parse_throws_a_format_exception_with_the_error_when_malformed() =>
        Assert.StartsWith("'4 mb' is not a size", Assert.Throws<FormatException>(() => ByteSize.Parse("4 mb")).Message, StringComparison.Ordinal);
}

using PeerSync.Cli.Api;

namespace PeerSync.Cli.Tests;

public sealed class ApiPathsTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a b", "a%20b")]
    [InlineData("x/y", "x%2Fy")]
    [InlineData("q?h#p%", "q%3Fh%23p%25")]
    [InlineData("é", "%C3%A9")]
    [InlineData(".", "%2E")]
    [InlineData("...", "%2E%2E%2E")]
    [InlineData(".hidden", ".hidden")]
    [InlineData("a.b", "a.b")]
    public void Segment_escapes_everything_that_could_change_the_route(string value, string expected)
    {
        Assert.Equal(expected, ApiPaths.Segment(value));
    }

    [Fact]
    public void Record_page_query_escapes_after_and_omits_absent_parts()
    {
        Assert.Equal("/v1/collections/c/records", ApiPaths.RecordPage("c", null, null));
        Assert.Equal("/v1/collections/c/records?after=a%26b&limit=5", ApiPaths.RecordPage("c", "a&b", 5));
        Assert.Equal("/v1/collections/c/records?limit=5", ApiPaths.RecordPage("c", null, 5));
    }

    [Fact]
    public void Logs_query_escapes_the_level()
    {
        Assert.Equal("/v1/node/logs?level=Warning", ApiPaths.Logs(null, "Warning"));
        Assert.Equal("/v1/node/logs?limit=3&level=Error", ApiPaths.Logs(3, "Error"));
    }
}

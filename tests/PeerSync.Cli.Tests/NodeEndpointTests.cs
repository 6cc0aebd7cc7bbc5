using PeerSync.Cli.Api;

namespace PeerSync.Cli.Tests;

public sealed class NodeEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1:8053", "http", "127.0.0.1", 8053, "127.0.0.1:8053")]
    [InlineData("localhost", "http", "localhost", 8053, "localhost:8053")]
    [InlineData("node-1.example:9000", "http", "node-1.example", 9000, "node-1.example:9000")]
    [InlineData("[::1]:8053", "http", "::1", 8053, "[::1]:8053")]
    [InlineData("[::1]", "http", "::1", 8053, "[::1]:8053")]
    [InlineData("https://n1:443/", "https", "n1", 443, "https://n1:443")]
    [InlineData("HTTP://n1:80", "http", "n1", 80, "n1:80")]
    public void NodeEndpoint_parses_host_port_forms(string text, string scheme, string host, int port, string shown)
    {
        Assert.True(NodeEndpoint.TryParse(text, out var endpoint, out var error), error);
        Assert.Equal(new NodeEndpoint(scheme, host, port), endpoint);
        Assert.Equal(shown, endpoint.ToString());
    }

    [Theory]
    [InlineData("", "a node address is written host:port, but it is empty")]
    [InlineData("h:0", "node address 'h:0' has port '0'; a port is a number from 1 to 65535")]
    [InlineData("h:65536", "node address 'h:65536' has port '65536'; a port is a number from 1 to 65535")]
    [InlineData("h:-1", "node address 'h:-1' has port '-1'; a port is a number from 1 to 65535")]
    [InlineData(":8053", "node address ':8053' has no valid host name")]
    [InlineData("::1:8053", "node address '::1:8053' must be written host:port (IPv6 literals in brackets: [::1]:8053)")]
    [InlineData("[::1:8053", "node address '[::1:8053' must be written host:port (IPv6 literals in brackets: [::1]:8053)")]
    [InlineData("tcp://h:1", "node address 'tcp://h:1' has scheme 'tcp'; only http and https are supported")]
    public void NodeEndpoint_rejects_bad_addresses_naming_the_problem(string text, string expected)
    {
        Assert.False(NodeEndpoint.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void NodeEndpoint_base_uri_brackets_ipv6()
    {
        Assert.Equal("http://[::1]:8053/", new NodeEndpoint("http", "::1", 8053).BaseUri.ToString());
    }
}

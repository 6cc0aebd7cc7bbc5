using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Tests.Addressing;

public sealed class AddressingTests
{
    [Theory]
    [InlineData("n1")]
    [InlineData("node-2.eu_west")]
    [InlineData("0")]
    public void NodeId_parses_when_valid(string text) => Assert.Equal(text, NodeId.Parse(text).Value);

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("-n1", "must start with a letter or digit")]
    [InlineData("n/1", "contains '/'")]
    [InlineData("n 1", "contains ' '")]
    public void NodeId_names_the_problem_when_invalid(string text, string expected)
    {
        Assert.False(NodeId.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void NodeId_rejects_ids_longer_than_the_limit()
    {
        var error = Assert.Throws<FormatException>(() => NodeId.Parse(new string('a', NodeId.MaxLength + 1))).Message;
        Assert.Contains("at most 64", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NodeId_orders_ordinally_for_the_election_tie_break()
    {
        Assert.True(NodeId.Parse("A") < NodeId.Parse("a"));
        Assert.True(NodeId.Parse("n1") < NodeId.Parse("n2"));
    }

    [Theory]
    [InlineData("127.0.0.1:4053", "127.0.0.1", 4053)]
    [InlineData("localhost:1", "localhost", 1)]
    [InlineData("[::1]:65535", "::1", 65535)]
    public void EndpointAddress_round_trips(string text, string host, int port)
    {
        var address = EndpointAddress.Parse(text);
        Assert.Equal(new EndpointAddress(host, port), address);
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1", "host:port")]
    [InlineData("127.0.0.1:0", "from 1 to 65535")]
    [InlineData("127.0.0.1:70000", "from 1 to 65535")]
    [InlineData(":4053", "host:port")]
    [InlineData("::1:4053", "IPv6 literals in brackets")]
    [InlineData("[::1]4053", "[ipv6]:port")]
    [InlineData("", "empty")]
    public void EndpointAddress_names_the_problem_when_invalid(string text, string expected)
    {
        Assert.False(EndpointAddress.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Incarnation_is_never_zero_and_differs_between_starts()
    {
        var a = Incarnation.NewRandom();
        var b = Incarnation.NewRandom();
        Assert.NotEqual(0UL, a.Value);
        Assert.NotEqual(a, b);
    }
}

using PeerSync.Cli.Tests.Support;

namespace PeerSync.Cli.Tests;

/// <summary>Bad command lines exit 2 with the problem on stderr, before any request is made.</summary>
public sealed class UsageTests
{
    [Theory]
    [InlineData("Unrecognized command or argument 'bogus'", "bogus")]
    [InlineData("Required command was not provided", "cluster")]
    [InlineData("Unrecognized command or argument 'nope'", "cluster", "nope")]
    [InlineData("Required argument missing for command: 'down'", "cluster", "down")]
    [InlineData("Required argument missing for command: 'get'", "records", "get", "tags")]
    [InlineData("Unrecognized command or argument 'extra'", "cluster", "show", "extra")]
    [InlineData("--limit: '0' is not a number from 1 to 1000", "records", "ls", "tags", "--limit", "0")]
    [InlineData("--limit: '1001' is not a number from 1 to 1000", "log", "peek", "--limit", "1001")]
    [InlineData("--limit: 'ten' is not a number from 1 to 1000", "records", "ls", "tags", "--limit", "ten")]
    [InlineData("--level: 'loud' is not a log level", "log", "peek", "--level", "loud")]
    [InlineData("--node: node address 'host:port' has port 'port'; a port is a number from 1 to 65535", "--node", "host:port", "node", "info")]
    [InlineData("--node: node address 'a b:80' has no valid host name", "--node", "a b:80", "node", "info")]
    [InlineData("--node: node address 'ftp://h:1' has scheme 'ftp'", "--node", "ftp://h:1", "node", "info")]
    [InlineData("--timeout: 'soon' is not a duration", "--timeout", "soon", "node", "info")]
    [InlineData("--timeout: '5d' has unknown unit 'd'", "--timeout", "5d", "node", "info")]
    [InlineData("records put: a value is required", "records", "put", "tags", "k")]
    [InlineData("records put: give the value either as an argument or with --file, not both", "records", "put", "tags", "k", "1", "--file", "v.json")]
    [InlineData("the key must not be empty", "records", "get", "tags", "")]
    [InlineData("the collection name must not be empty", "records", "ls", "")]
    public async Task Bad_usage_exits_2_with_the_problem_on_stderr(string expected, params string[] args)
    {
        // A closed loopback port: had any of these reached the network, it would exit 1, not 2.
        string[] node = args.Contains("--node") ? [] : ["--node", "127.0.0.1:9"];
        var result = await CliHarness.RunAsync([.. node, .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("psync: " + expected, result.Error, StringComparison.Ordinal);
        Assert.EndsWith("Run 'psync --help' for usage.\n", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_psync_node_variable_is_a_usage_error()
    {
        var cli = new CliHarness();
        cli.Variables["PSYNC_NODE"] = "localhost:0";

        var result = await cli.RunToEndAsync("node", "info");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("psync: PSYNC_NODE: node address 'localhost:0' has port '0'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_usage_on_stdout_and_exits_0()
    {
        var result = await CliHarness.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("psync [command] [options]", result.Out, StringComparison.Ordinal);
        Assert.Contains("--node <host:port>", result.Out, StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task Help_word_works_like_the_help_option()
    {
        var result = await CliHarness.RunAsync("help", "records");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("psync records [command] [options]", result.Out, StringComparison.Ordinal);
        Assert.Contains("ls", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subcommand_help_lists_its_arguments_and_options()
    {
        var result = await CliHarness.RunAsync("records", "ls", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("<collection>", result.Out, StringComparison.Ordinal);
        Assert.Contains("--after <key>", result.Out, StringComparison.Ordinal);
        Assert.Contains("--all", result.Out, StringComparison.Ordinal);
    }
}

using PeerSync.Cli.Tests.Fakes;
using PeerSync.Cli.Tests.Support;

namespace PeerSync.Cli.Tests;

/// <summary>`psync` with no command: the shell, fed through redirected stdin.</summary>
public sealed class ShellTests : IAsyncLifetime
{
    private FakeNode _node = null!;

    public async Task InitializeAsync() => _node = await FakeNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Script_mode_runs_each_line_and_prints_only_command_output()
    {
        var cli = new CliHarness { Input = "cluster leader\n\n# a comment\nrecords put tags k 7\nrecords get tags k\n" };

        var result = await cli.RunToEndAsync("--node", _node.Address);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["n1 (epoch 4)", "put tags/k: version 1740823200000.1, origin n1", "7"], result.Lines);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task Script_mode_goes_on_after_errors_and_exits_with_the_last_failure()
    {
        var cli = new CliHarness { Input = "bogus\nrecords get tags missing\ncluster leader\n" };

        var result = await cli.RunToEndAsync("--node", _node.Address);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["n1 (epoch 4)"], result.Lines);
        Assert.Equal(
            "psync: Unrecognized command or argument 'bogus'.\nType 'help' for usage.\npsync: not found: no record 'missing' in collection 'tags'\n",
            result.Error);
    }

    [Fact]
    public async Task Script_mode_exits_2_when_the_last_failure_was_bad_usage()
    {
        var cli = new CliHarness { Input = "records get tags missing\ncluster down\n" };

        var result = await cli.RunToEndAsync("--node", _node.Address);

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Shell_splits_words_with_double_and_single_quotes()
    {
        var cli = new CliHarness { Input = """records put tags "key with spaces" '{"say": "hi there"}'""" + "\nrecords get tags 'key with spaces'\n" };

        var result = await cli.RunToEndAsync("--node", _node.Address);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("/v1/collections/tags/records/key%20with%20spaces", _node.Requests.First().RawTarget);
        Assert.Equal("""{"say":"hi there"}""", _node.RecordValue("tags", "key with spaces"));
    }

    [Fact]
    public async Task Shell_reports_an_unterminated_quote_and_goes_on()
    {
        var cli = new CliHarness { Input = "records get tags \"open\ncluster leader\n" };

        var result = await cli.RunToEndAsync("--node", _node.Address);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["n1 (epoch 4)"], result.Lines);
        Assert.Equal("psync: unterminated double quote starting at column 18\n", result.Error);
    }

    [Fact]
    public async Task Interactive_mode_shows_a_banner_and_a_prompt_per_line_and_exits_0()
    {
        var cli = new CliHarness { InputIsTerminal = true, Input = "cluster leader\nbogus\n" };

        var result = await cli.RunToEndAsync("--node", _node.Address);

        Assert.Equal(0, result.ExitCode);
        var prompt = $"psync {_node.Address}> ";
        Assert.Equal(
            $"psync shell on {_node.Address}. Type 'help' for commands, 'exit' to leave.\n{prompt}n1 (epoch 4)\n{prompt}{prompt}\n",
            result.Out);
    }

    [Fact]
    public async Task Exit_and_quit_end_the_shell_before_later_lines()
    {
        foreach (var word in new[] { "exit", "quit" })
        {
            var cli = new CliHarness { Input = $"cluster leader\n{word}\ncluster show\n" };

            var result = await cli.RunToEndAsync("--node", _node.Address);

            Assert.Equal(0, result.ExitCode);
            Assert.Equal(["n1 (epoch 4)"], result.Lines);
        }
    }

    [Fact]
    public async Task Help_lists_commands_and_help_with_a_command_shows_its_usage()
    {
        var cli = new CliHarness { Input = "help\nhelp records put\n" };

        var result = await cli.RunToEndAsync("--node", _node.Address);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("  cluster  ", result.Out, StringComparison.Ordinal);
        Assert.Contains("psync records put <collection> <key> [<json>] [options]", result.Out, StringComparison.Ordinal);
        Assert.Empty(_node.Requests);
    }

    [Fact]
    public async Task Lines_inherit_the_shells_options_and_may_add_their_own()
    {
        _node.RequiredToken = "t0k";
        var cli = new CliHarness { Input = "cluster leader\ncluster leader --json\n" };

        var result = await cli.RunToEndAsync("--node", _node.Address, "--token", "t0k");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("n1 (epoch 4)", result.Lines[0]);
        Assert.Contains("\"leader\": \"n1\"", result.Out, StringComparison.Ordinal);
        Assert.All(_node.Requests, r => Assert.Equal("Bearer t0k", r.Authorization));
    }

    [Fact]
    public async Task A_pasted_psync_prefix_is_ignored()
    {
        var cli = new CliHarness { Input = "psync cluster leader\n" };

        var result = await cli.RunToEndAsync("--node", _node.Address);

        Assert.Equal(["n1 (epoch 4)"], result.Lines);
    }

    [Fact]
    public async Task A_line_with_options_but_no_command_is_bad_usage()
    {
        var cli = new CliHarness { Input = "--json\n" };

        var result = await cli.RunToEndAsync("--node", _node.Address);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("psync: type a command, e.g. 'cluster show'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_a_value_from_stdin_is_refused_inside_the_shell()
    {
        var cli = new CliHarness { Input = "records put tags k -\n{\"not\":\"a command\"}\n" };

        var result = await cli.RunToEndAsync("--node", _node.Address);

        Assert.Contains("psync: records put: inside the shell stdin holds the commands", result.Error, StringComparison.Ordinal);
        Assert.Empty(_node.Requests);
    }

    [Fact]
    public async Task Shell_at_eof_with_no_input_exits_0()
    {
        var result = await new CliHarness().RunToEndAsync("--node", _node.Address);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Shell_with_a_bad_node_option_does_not_start()
    {
        var cli = new CliHarness { Input = "cluster leader\n" };

        var result = await cli.RunToEndAsync("--node", "nohost:99999");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
    }
}

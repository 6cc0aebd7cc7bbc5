using PeerSync.Cli.Tests.Fakes;
using PeerSync.Cli.Tests.Support;

namespace PeerSync.Cli.Tests;

/// <summary>Styling follows the environment: ANSI and boxes on a terminal, plain text otherwise or with NO_COLOR.</summary>
public sealed class TerminalOutputTests : IAsyncLifetime
{
    private FakeNode _node = null!;

    public async Task InitializeAsync() => _node = await FakeNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Terminal_output_uses_colour_and_rounded_boxes()
    {
        var cli = new CliHarness { OutputIsTerminal = true };

        var result = await cli.RunToEndAsync("--node", _node.Address, "cluster", "show");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\u001b[", result.Out, StringComparison.Ordinal);
        Assert.Contains("╭", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_color_keeps_boxes_but_drops_ansi_codes()
    {
        var cli = new CliHarness { OutputIsTerminal = true };
        cli.Variables["NO_COLOR"] = "1";

        var result = await cli.RunToEndAsync("--node", _node.Address, "cluster", "show");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("\u001b", result.Out, StringComparison.Ordinal);
        Assert.Contains("╭", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirected_output_has_no_ansi_codes_and_no_boxes()
    {
        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "show");

        Assert.DoesNotContain("\u001b", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("╭", result.Out, StringComparison.Ordinal);
    }
}

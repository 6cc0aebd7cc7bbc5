using System.Diagnostics;
using PeerSync.Node.Tests.Support;

namespace PeerSync.Node.Tests;

/// <summary>
/// The built peersync-node executable as a real process (the test project references it, so its
/// dll, deps and runtimeconfig are copied beside the tests): what an operator sees on a bad config.
/// </summary>
public sealed class NodeProcessTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Node_process_prints_one_line_and_exits_non_zero_when_the_config_is_bad()
    {
        _files.Write("node.conf", """
            peersync {
              node.id = "p1"
              remote.secret = "0123456789abcdef-secret"
              cluster.seed-nodes = ["127.0.0.1:4053"]
              cluster.heartbeat-interval = 3 parsecs
            }
            """);

        var (code, stdout, stderr) = await RunAsync("--config", "node.conf");

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("peersync-node: peersync.cluster.heartbeat-interval: '3 parsecs' is not a duration", line, StringComparison.Ordinal);
        Assert.EndsWith("(set at node.conf:5:32)", line.TrimEnd('\r'), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_process_prints_the_effective_configuration_and_exits_0()
    {
        var (code, stdout, stderr) = await RunAsync("--config", TestFiles.Hocon("node1.conf"), "--print-config");

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("\"id\": \"node1\"", stdout, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Process.Start(DotnetChild.StartInfo(DotnetChild.NodeDll, args, _files.Path))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(HangGuard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"peersync-node did not exit within {HangGuard}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}

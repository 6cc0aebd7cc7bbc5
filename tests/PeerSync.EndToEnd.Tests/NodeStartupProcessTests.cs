using System.Net;
using System.Net.Sockets;
using PeerSync.EndToEnd.Tests.Support;
using PeerSync.TestKit.MultiNode;

namespace PeerSync.EndToEnd.Tests;

/// <summary>What an operator sees when a node process cannot start.</summary>
public sealed class NodeStartupProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("peersync-e2e-start-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Bad_config_prints_exactly_one_line_on_stderr_and_exits_non_zero()
    {
        using var node = NodeProcess.Start("bad", _directory,
        [
            "--set", "peersync.node.id=bad",
            "--set", "peersync.remote.secret=" + ProcessCluster.Secret,
            "--set", "peersync.cluster.heartbeat-interval=3 parsecs",
        ]);

        var code = await node.WaitForExitAsync(ProcessCluster.Bound);

        Assert.Equal(2, code);
        var line = Assert.Single(node.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("peersync-node: peersync.cluster.heartbeat-interval: '3 parsecs' is not a duration", line, StringComparison.Ordinal);
        Assert.Equal("", node.Stdout);
    }

    [Fact]
    public async Task Missing_required_setting_names_the_key_and_exits_non_zero()
    {
        using var node = NodeProcess.Start("unnamed", _directory,
        [
            "--set", "peersync.remote.secret=" + ProcessCluster.Secret,
            "--set", "peersync.cluster.seed-nodes=[\"127.0.0.1:4053\"]",
        ]);

        var code = await node.WaitForExitAsync(ProcessCluster.Bound);

        Assert.Equal(2, code);
        Assert.StartsWith("peersync-node: peersync.node.id is not set", Assert.Single(node.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_port_in_use_prints_one_line_naming_the_key_and_exits_non_zero()
    {
        var ports = FreePorts.Reserve(2);
        using var taken = new TcpListener(IPAddress.Loopback, ports[1]);
        taken.Start();
        using var node = NodeProcess.Start("busy", _directory,
        [
            "--set", "peersync.node.id=busy",
            "--set", "peersync.node.data-dir=data",
            "--set", "peersync.remote.secret=" + ProcessCluster.Secret,
            "--set", $"peersync.remote.port={ports[0]}",
            "--set", $"peersync.cluster.seed-nodes=[\"127.0.0.1:{ports[0]}\"]",
            "--set", $"peersync.http.port={ports[1]}",
        ]);

        var code = await node.WaitForExitAsync(ProcessCluster.Bound);

        Assert.Equal(1, code);
        var line = Assert.Single(node.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"peersync-node: peersync.http.port: cannot listen on 127.0.0.1:{ports[1]}: ", line, StringComparison.Ordinal);
    }
}

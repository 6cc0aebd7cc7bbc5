using System.Text.Json.Nodes;
using PeerSync.EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace PeerSync.EndToEnd.Tests;

/// <summary>Three real peersync-node processes on loopback: what only processes show (signals, restarts, the CLI).</summary>
public sealed class ClusterProcessTests(ITestOutputHelper output)
{
    private static readonly string[] All = ["n1", "n2", "n3"];

    [Fact]
    public async Task Three_nodes_form_a_cluster_that_psync_and_http_both_show()
    {
        await using var cluster = ProcessCluster.Start(3, output);

        await cluster.AwaitMembersAsync(All, All);
        var (code, stdout, stderr) = await Psync.RunAsync(cluster.HttpAuthority("n2"), "--json", "cluster", "show");
        var table = await Psync.RunAsync(cluster.HttpAuthority("n3"), "cluster", "show");

        Assert.Equal((0, ""), (code, stderr));
        var view = JsonNode.Parse(stdout)!;
        Assert.Equal("n2", (string?)view["self"]);
        Assert.Equal(All, view["members"]!.AsArray().Select(m => (string)m!["id"]!).Order(StringComparer.Ordinal));
        Assert.Equal(0, table.Code);
        Assert.Matches(@"n3 \(self(, leader)?\)", table.Stdout); // n3 may also be the leader (the oldest by startup time)
    }

    [Fact]
    public async Task Leave_through_psync_removes_the_node_and_its_process_exits_0()
    {
        await using var cluster = ProcessCluster.Start(3, output);
        await cluster.AwaitMembersAsync(All, All);

        var leave = await Psync.RunAsync(cluster.HttpAuthority("n3"), "cluster", "leave");
        var exitCode = await cluster["n3"].WaitForExitAsync(ProcessCluster.Bound);
        await cluster.AwaitMembersAsync(["n1", "n2"], ["n1", "n2"]);

        Assert.Equal(0, leave.Code);
        Assert.Equal(0, exitCode);
        Assert.Contains("Node n3: left the cluster as asked", cluster["n3"].Stdout, StringComparison.Ordinal);
        Assert.Equal("", cluster["n3"].Stderr);
    }

    [Fact]
    public async Task Sigterm_stops_a_node_gracefully_with_exit_code_0_and_it_is_removed()
    {
        await using var cluster = ProcessCluster.Start(3, output);
        await cluster.AwaitMembersAsync(All, All);

        cluster["n2"].Terminate();
        var exitCode = await cluster["n2"].WaitForExitAsync(ProcessCluster.Bound);
        await cluster.AwaitMembersAsync(["n1", "n3"], ["n1", "n3"]);

        Assert.Equal(0, exitCode);
        var log = cluster["n2"].Stdout;
        Assert.Contains("Node n2: shutdown requested; stopping gracefully", log, StringComparison.Ordinal);
        Assert.Contains("left the cluster", log, StringComparison.Ordinal);
        Assert.Contains("Node n2 exits with code 0", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Killed_node_restarted_on_its_data_dir_rejoins_as_a_new_incarnation()
    {
        await using var cluster = ProcessCluster.Start(3, output);
        await cluster.AwaitMembersAsync(All, All);
        var before = await IncarnationAsync(cluster, "n1", "n3");

        await cluster["n3"].KillAsync();
        await cluster.AwaitAsync("n1 sees n3 unreachable or gone", async () =>
        {
            var members = (await cluster.ClusterViewAsync("n1"))?["members"]?.AsArray();
            return members is not null && !members.Any(m => (string?)m!["id"] == "n3" && (bool)m["reachable"]!);
        });
        cluster.StartNode("n3");
        await cluster.AwaitMembersAsync(All, All);
        var after = await IncarnationAsync(cluster, "n1", "n3");

        Assert.NotEqual(before, after);
        Assert.Equal(after, await IncarnationAsync(cluster, "n3", "n3"));
    }

    [Fact]
    public async Task Frozen_node_is_seen_unreachable_and_the_cluster_recovers_when_it_continues()
    {
        // Downing waits far longer than the freeze, so the node comes back instead of being replaced.
        await using var cluster = ProcessCluster.Start(3, output, "peersync.cluster.downing.stable-after=60s");
        await cluster.AwaitMembersAsync(All, All);
        var before = await IncarnationAsync(cluster, "n1", "n2");

        cluster["n2"].Freeze();
        await cluster.AwaitAsync("n1 and n3 see n2 unreachable", async () =>
            await ReachableAsync(cluster, "n1", "n2") == false && await ReachableAsync(cluster, "n3", "n2") == false);
        cluster["n2"].Thaw();
        await cluster.AwaitMembersAsync(All, All);

        Assert.Equal(before, await IncarnationAsync(cluster, "n1", "n2"));
        Assert.False(cluster["n2"].HasExited);
    }

    [Fact]
    public async Task Ctrl_c_followed_by_sigterm_still_stops_gracefully_with_exit_code_0()
    {
        // What a terminal plus a script (run-cluster) do: the second signal must not cut the stop short.
        await using var cluster = ProcessCluster.Start(1, output);
        await cluster.AwaitMembersAsync(["n1"], ["n1"]);

        cluster["n1"].Interrupt();
        cluster["n1"].Terminate();
        var exitCode = await cluster["n1"].WaitForExitAsync(ProcessCluster.Bound);

        Assert.Equal(0, exitCode);
        Assert.Contains("Node n1 exits with code 0", cluster["n1"].Stdout, StringComparison.Ordinal);
        Assert.Equal("", cluster["n1"].Stderr);
    }

    [Fact]
    public async Task Node_downed_while_frozen_exits_1_saying_why_and_rejoins_when_started_again()
    {
        // Downing soon after unreachability, so the frozen node is removed while it sleeps.
        await using var cluster = ProcessCluster.Start(3, output, "peersync.cluster.downing.stable-after=1s");
        await cluster.AwaitMembersAsync(All, All);
        var frozen = cluster["n3"];

        frozen.Freeze();
        await cluster.AwaitMembersAsync(["n1", "n2"], ["n1", "n2"]);
        frozen.Thaw();
        var exitCode = await frozen.WaitForExitAsync(ProcessCluster.Bound);
        cluster.StartNode("n3");
        await cluster.AwaitMembersAsync(All, All);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(frozen.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("peersync-node: node n3 is no longer a cluster member (", line, StringComparison.Ordinal);
        Assert.EndsWith("start it again to rejoin as a new incarnation", line.TrimEnd('\r'), StringComparison.Ordinal);
    }

    private static async Task<string?> IncarnationAsync(ProcessCluster cluster, string observer, string member) =>
        (string?)(await cluster.ClusterViewAsync(observer))?["members"]?.AsArray().FirstOrDefault(m => (string?)m!["id"] == member)?["incarnation"];

    private static async Task<bool?> ReachableAsync(ProcessCluster cluster, string observer, string member) =>
        (bool?)(await cluster.ClusterViewAsync(observer))?["members"]?.AsArray().FirstOrDefault(m => (string?)m!["id"] == member)?["reachable"];
}

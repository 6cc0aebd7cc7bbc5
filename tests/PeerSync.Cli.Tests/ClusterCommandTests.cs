using System.Text.Json;
using PeerSync.Cli.Tests.Fakes;
using PeerSync.Cli.Tests.Support;

namespace PeerSync.Cli.Tests;

public sealed class ClusterCommandTests : IAsyncLifetime
{
    private FakeNode _node = null!;

    public async Task InitializeAsync() => _node = await FakeNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Cluster_show_prints_members_with_self_and_leader_marked()
    {
        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "show");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        Assert.Equal(
            [
                "self n1, leader n1, epoch 4, mode leader",
                "Id                 Address         Status  Reachable  Roles      Started               Incarnation",
                "n1 (self, leader)  127.0.0.1:4053  Up      yes        hub        2025-03-01 10:00:00Z  1a2b",
                "n2                 127.0.0.1:4054  Up      yes        -          2025-03-01 10:00:05Z  3c4d",
                "n3                 127.0.0.1:4055  Up      no         edge, hub  2025-03-01 10:00:09Z  5e6f",
            ],
            result.Lines);
    }

    [Fact]
    public async Task Cluster_show_json_prints_the_nodes_json_and_nothing_else()
    {
        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "show", "--json");

        Assert.Equal(0, result.ExitCode);
        AssertJsonEqual(FakeNodeJson.Cluster, result.Out);
    }

    [Fact]
    public async Task Cluster_leader_prints_leader_and_epoch()
    {
        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "leader");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["n1 (epoch 4)"], result.Lines);
    }

    [Fact]
    public async Task Cluster_leader_prints_none_when_leaderless()
    {
        _node.ClusterJson = FakeNodeJson.LeaderlessCluster;

        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "leader");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["none (leaderless mode)"], result.Lines);
    }

    [Fact]
    public async Task Cluster_leader_json_prints_leader_epoch_and_mode()
    {
        _node.ClusterJson = FakeNodeJson.LeaderlessCluster;

        var result = await CliHarness.RunAsync("--node", _node.Address, "--json", "cluster", "leader");

        Assert.Equal(0, result.ExitCode);
        AssertJsonEqual("""{"leader":null,"epoch":0,"mode":"leaderless"}""", result.Out);
    }

    [Fact]
    public async Task Cluster_leave_without_id_asks_this_node_to_leave()
    {
        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "leave");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["node n1 is leaving the cluster (status Leaving)"], result.Lines);
        Assert.Equal(("POST", "/v1/cluster/leave"), (_node.LastRequest.Method, _node.LastRequest.RawTarget));
    }

    [Fact]
    public async Task Cluster_leave_with_id_asks_that_member_to_leave()
    {
        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "leave", "n2");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["asked n2 to leave the cluster (status Leaving)"], result.Lines);
        Assert.Equal(("POST", "/v1/cluster/leave/n2"), (_node.LastRequest.Method, _node.LastRequest.RawTarget));
    }

    [Fact]
    public async Task Cluster_down_marks_the_member_down()
    {
        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "down", "n3");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["marked n3 down (status Down)"], result.Lines);
        Assert.Equal(("POST", "/v1/cluster/down/n3"), (_node.LastRequest.Method, _node.LastRequest.RawTarget));
    }

    [Fact]
    public async Task Cluster_down_json_prints_the_nodes_answer()
    {
        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "down", "n3", "--json");

        Assert.Equal(0, result.ExitCode);
        AssertJsonEqual("""{"id":"n3","status":"Down"}""", result.Out);
    }

    [Fact]
    public async Task Cluster_down_fails_with_the_problem_detail_when_member_is_unknown()
    {
        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "down", "n9");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal("psync: not found: no member 'n9' in this cluster\n", result.Error);
    }

    [Fact]
    public async Task Cluster_down_unreachable_downs_only_unreachable_members()
    {
        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "down-unreachable");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["marked n3 down (status Down)"], result.Lines);
        Assert.Equal(["GET /v1/cluster", "POST /v1/cluster/down/n3"], _node.Requests.Select(r => $"{r.Method} {r.RawTarget}"));
    }

    [Fact]
    public async Task Cluster_down_unreachable_reports_each_failure_and_exits_1()
    {
        _node.ClusterJson = FakeNodeJson.Cluster.Replace("\"reachable\":true,\"roles\":[]", "\"reachable\":false,\"roles\":[]", StringComparison.Ordinal);
        _node.FailingDowns.Add("n2");

        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "down-unreachable");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["marked n3 down (status Down)"], result.Lines);
        Assert.StartsWith("psync: could not down n2: the node at ", result.Error, StringComparison.Ordinal);
        Assert.Contains("500 Internal Server Error): could not publish the down of n2", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_down_unreachable_says_so_when_all_are_reachable()
    {
        _node.ClusterJson = FakeNodeJson.LeaderlessCluster;

        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "down-unreachable");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["no unreachable members"], result.Lines);
    }

    [Fact]
    public async Task Cluster_down_unreachable_json_lists_each_result()
    {
        var result = await CliHarness.RunAsync("--node", _node.Address, "--json", "cluster", "down-unreachable");

        Assert.Equal(0, result.ExitCode);
        AssertJsonEqual("""[{"id":"n3","ok":true,"result":{"id":"n3","status":"Down"}}]""", result.Out);
    }

    internal static void AssertJsonEqual(string expected, string actual)
    {
        using var expectedJson = JsonDocument.Parse(expected);
        using var actualJson = JsonDocument.Parse(actual);
        Assert.True(JsonElement.DeepEquals(expectedJson.RootElement, actualJson.RootElement), $"expected {expected}\nactual {actual}");
    }
}

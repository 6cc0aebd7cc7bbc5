using PeerSync.Cli.Tests.Fakes;
using PeerSync.Cli.Tests.Support;

namespace PeerSync.Cli.Tests;

/// <summary>`sync status | peers`, `node info`, `actor hierarchy`, `log peek`.</summary>
public sealed class SyncAndNodeCommandTests : IAsyncLifetime
{
    private FakeNode _node = null!;

    public async Task InitializeAsync() => _node = await FakeNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Sync_status_prints_state_counts_and_backfill_progress()
    {
        var result = await Run("sync", "status");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                "state        Backfilling",
                "mode         leader",
                "ready        no",
                "records      12,345",
                "log entries  678",
                "backfill     Backfilling, 7 pages done, from n2",
            ],
            result.Lines);
    }

    [Fact]
    public async Task Sync_status_says_none_when_no_backfill_runs()
    {
        _node.SyncStatusJson = """{"state":"Ready","mode":"leaderless","ready":true,"records":3,"logEntries":0,"backfill":null}""";

        var result = await Run("sync", "status");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("ready        yes", result.Lines);
        Assert.Contains("backfill     none", result.Lines);
    }

    [Fact]
    public async Task Sync_peers_prints_queue_watermarks_and_lag_per_peer()
    {
        var result = await Run("sync", "peers");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                "Id  State         Outbound queue  Acked watermark                             Lag",
                "n2  connected                  0  n1:1767225600120.0 n3:1767225600040.2      0 ms",
                "n3  disconnected           1,523  n1:1767225600097.0                     1 m 24 s",
            ],
            result.Lines);
    }

    [Fact]
    public async Task Sync_peers_says_so_when_there_are_none()
    {
        _node.SyncPeersJson = "[]";

        var result = await Run("sync", "peers");

        Assert.Equal(["no peers"], result.Lines);
    }

    [Theory]
    [InlineData("sync", "status")]
    [InlineData("sync", "peers")]
    [InlineData("node", "info")]
    [InlineData("actor", "hierarchy")]
    [InlineData("log", "peek")]
    public async Task Json_output_is_the_nodes_json(string group, string command)
    {
        var expected = (group, command) switch
        {
            ("sync", "status") => FakeNodeJson.SyncStatus,
            ("sync", "peers") => FakeNodeJson.SyncPeers,
            ("node", _) => FakeNodeJson.Node,
            ("actor", _) => FakeNodeJson.Actors,
            _ => FakeNodeJson.Logs,
        };

        var result = await Run(group, command, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        ClusterCommandTests.AssertJsonEqual(expected, result.Out);
    }

    [Fact]
    public async Task Node_info_prints_one_field_per_line()
    {
        var result = await Run("node", "info");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                "id           n1",
                "version      0.1.0",
                "incarnation  1a2b",
                "address      127.0.0.1:4053",
                "http         127.0.0.1:8053",
                "started      2025-03-01 10:00:00Z",
                "uptime       1d 2h 3m",
                "mode         leader",
                "roles        hub",
                "data dir     data/n1",
                "persistence  sqlite",
            ],
            result.Lines);
    }

    [Fact]
    public async Task Actor_hierarchy_prints_the_tree()
    {
        var result = await Run("actor", "hierarchy");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                "/ (Root) mailbox 0",
                "├── /system (SystemGuardian) mailbox 0",
                "│   ├── /system/cluster (ClusterDaemon) mailbox 0",
                "│   └── /system/sync (SyncCoordinator) mailbox 3",
                "│       └── /system/sync/peers (PeerSupervisor) mailbox 0",
                "└── /user (UserGuardian) mailbox 0",
            ],
            result.Lines);
    }

    [Fact]
    public async Task Log_peek_prints_lines_with_level_and_indented_exception()
    {
        var result = await Run("log", "peek", "--limit", "2", "--level", "warning");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                "2025-03-01T10:00:01.250Z INF Member n2 is Up",
                "2025-03-01T10:00:02.500Z ERR Link to n3 failed",
                "    System.IO.IOException: reset",
                "       at Link.Read()",
            ],
            result.Lines);
        Assert.Equal("/v1/node/logs?limit=2&level=Warning", _node.LastRequest.RawTarget);
    }

    [Fact]
    public async Task Log_peek_says_so_when_there_are_no_entries()
    {
        _node.LogsJson = """{"entries":[]}""";

        var result = await Run("log", "peek");

        Assert.Equal(["no log entries"], result.Lines);
        Assert.Equal("/v1/node/logs", _node.LastRequest.RawTarget);
    }

    private Task<CliResult> Run(params string[] args) => CliHarness.RunAsync(["--node", _node.Address, .. args]);
}

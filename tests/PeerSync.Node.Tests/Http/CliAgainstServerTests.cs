using System.Text.Json.Nodes;
using PeerSync.Cli;
using PeerSync.Cli.Tests.Support;
using Psync = PeerSync.Cli.Cli;
using PeerSync.Hosting.Api;
using PeerSync.Node.Tests.Http.Fakes;
using PeerSync.Node.Tests.Http.Support;

namespace PeerSync.Node.Tests.Http;

/// <summary>
/// The real psync, in process, against the real HTTP server: the client and the server must agree
/// on paths, escaping, JSON shapes, problem details, status codes and the event stream.
/// </summary>
public sealed class CliAgainstServerTests : IAsyncLifetime
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private ServerHarness _server = null!;

    public async Task InitializeAsync() => _server = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Records_put_get_ls_and_rm_round_trip_through_the_server()
    {
        var put = await RunAsync("records", "put", "tags", "key with spaces/and:more", """{"color": "blue"}""");
        Assert.Equal((1, ""), (put.Code, put.Stdout));
        Assert.Contains("key 'key with spaces/and:more' is not valid", put.Stderr, StringComparison.Ordinal);

        put = await RunAsync("records", "put", "tags", "key with spaces:more", """{"color": "blue"}""");
        var get = await RunAsync("records", "get", "tags", "key with spaces:more");
        var list = await RunAsync("--json", "records", "ls", "tags");
        var rm = await RunAsync("records", "rm", "tags", "key with spaces:more");
        var gone = await RunAsync("records", "get", "tags", "key with spaces:more");

        Assert.Equal(0, put.Code);
        Assert.Equal("put tags/key with spaces:more: version 1740823200000.1, origin n1\n", put.Stdout);
        Assert.Equal(("tags", "key with spaces:more", """{"color":"blue"}"""), _server.Api.FakeRecords.LastPut);
        Assert.Equal(0, get.Code);
        Assert.Equal("{\n  \"color\": \"blue\"\n}\n", get.Stdout);
        Assert.Equal(0, list.Code);
        Assert.Equal("key with spaces:more", (string?)JsonNode.Parse(list.Stdout)!["items"]![0]!["key"]);
        Assert.Equal(0, rm.Code);
        Assert.Equal(1, gone.Code);
        Assert.Equal("psync: not found: no record 'key with spaces:more' in collection 'tags'\n", gone.Stderr);
    }

    [Fact]
    public async Task Records_ls_all_follows_next_across_pages()
    {
        for (var i = 0; i < 5; i++)
        {
            _server.Api.FakeRecords.Add("tags", $"k{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var all = await RunAsync("--json", "records", "ls", "tags", "--all", "--limit", "2");

        Assert.Equal(0, all.Code);
        Assert.Equal(["k0", "k1", "k2", "k3", "k4"], JsonNode.Parse(all.Stdout)!["items"]!.AsArray().Select(i => (string)i!["key"]!));
    }

    [Fact]
    public async Task Cluster_show_leader_and_down_read_the_server_answers()
    {
        var show = await RunAsync("cluster", "show");
        var leader = await RunAsync("cluster", "leader");
        var down = await RunAsync("cluster", "down", "n3");
        var unknown = await RunAsync("cluster", "down", "n9");

        Assert.Equal(0, show.Code);
        Assert.Contains("n3", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:4055", show.Stdout, StringComparison.Ordinal);
        Assert.Equal("n1 (epoch 4)\n", leader.Stdout);
        Assert.Equal(0, down.Code);
        Assert.Equal(1, unknown.Code);
        Assert.Equal("psync: not found: no member with id 'n9' in this cluster\n", unknown.Stderr);
    }

    [Fact]
    public async Task Sync_node_actor_and_log_commands_read_the_server_answers()
    {
        var status = await RunAsync("sync", "status");
        var peers = await RunAsync("sync", "peers");
        var node = await RunAsync("node", "info");
        var actors = await RunAsync("actor", "hierarchy");
        var logs = await RunAsync("log", "peek", "--limit", "5", "--level", "Warning");

        Assert.Equal((0, ""), (status.Code, status.Stderr));
        Assert.Contains("Backfilling", status.Stdout, StringComparison.Ordinal);
        Assert.Equal((0, ""), (peers.Code, peers.Stderr));
        Assert.Contains("disconnected", peers.Stdout, StringComparison.Ordinal);
        Assert.Equal((0, ""), (node.Code, node.Stderr));
        Assert.Contains("sqlite", node.Stdout, StringComparison.Ordinal);
        Assert.Equal((0, ""), (actors.Code, actors.Stderr));
        Assert.Contains("SyncCoordinator", actors.Stdout, StringComparison.Ordinal);
        Assert.Equal((0, ""), (logs.Code, logs.Stderr));
        Assert.Contains("Link to n3 failed", logs.Stdout, StringComparison.Ordinal);
        Assert.Equal((5, Microsoft.Extensions.Logging.LogLevel.Warning), _server.Api.LastLogsQuery);
    }

    [Fact]
    public async Task Psync_shows_the_server_problem_details_for_bad_json_not_ready_and_conflicts()
    {
        _server.Api.FakeRecords.OwnedElsewhere.Add("locations/k1");
        var conflict = await RunAsync("records", "put", "locations", "k1", "1");
        _server.Api.FakeRecords.NotReadyReason = "backfilling from n2";
        var notReady = await RunAsync("records", "put", "tags", "k1", "1");

        Assert.Equal(1, conflict.Code);
        Assert.Equal("psync: conflict: record 'k1' of owned collection 'locations' belongs to node 'n2'; only it may change the record\n", conflict.Stderr);
        Assert.Equal(1, notReady.Code);
        Assert.Equal($"psync: the node at {_server.Authority} is not ready: backfilling from n2; try again once it has joined and synced\n", notReady.Stderr);
    }

    [Fact]
    public async Task Psync_passes_the_token_and_reports_a_missing_one()
    {
        await using var server = await ServerHarness.StartAsync(o => o.Token = ServerHarness.Token);

        var without = await RunAsync(server, "cluster", "leader");
        var with = await RunAsync(server, "--token", ServerHarness.Token, "cluster", "leader");

        Assert.Equal(1, without.Code);
        Assert.Equal($"psync: the node at {server.Authority} requires a token (401 Unauthorized); pass it with --token or PSYNC_TOKEN\n", without.Stderr);
        Assert.Equal((0, "n1 (epoch 4)\n"), (with.Code, with.Stdout));
    }

    [Fact]
    public async Task Cluster_tail_prints_the_snapshot_and_member_events_of_the_server_stream()
    {
        var stdout = new ObservableWriter();
        var stderr = new ObservableWriter();
        var interrupts = new Interrupts();
        var run = Psync.RunAsync(["--node", _server.Authority, "cluster", "tail"], new StringReader(""), stdout, stderr, new CliEnvironment { Interrupts = interrupts });
        await stdout.WaitForAsync("snapshot:");
        await _server.Api.FakeCluster.Subscribed.Task.WaitAsync(HangGuard);

        _server.Api.FakeCluster.Publish(new ClusterEventView("UnreachableMember", FakeClusterApi.N3, "n1", 4, new DateTimeOffset(2025, 3, 1, 10, 1, 0, TimeSpan.Zero), null));
        await stdout.WaitForAsync("UnreachableMember");
        Assert.True(interrupts.Interrupt());

        Assert.Equal(0, await run.WaitAsync(HangGuard));
        Assert.Equal(
            [
                "snapshot: self n1, leader n1, epoch 4, mode leader; members: n1 Up, n2 Up, n3 Up unreachable",
                "2025-03-01T10:01:00.000Z  UnreachableMember  n3  leader n1  epoch 4",
            ],
            stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", stderr.ToString());
        await _server.Api.FakeCluster.SubscriptionEnded.Task.WaitAsync(HangGuard);
    }

    private Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(_server, args);

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(ServerHarness server, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Psync.RunAsync(["--node", server.Authority, .. args], new StringReader(""), stdout, stderr).WaitAsync(HangGuard);
        return (code, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }
}

using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Api;
using PeerSync.Node.Tests.Http.Support;
using static PeerSync.Node.Tests.Http.Support.Problems;
using static PeerSync.Node.Tests.Http.RecordRoutesTests;

namespace PeerSync.Node.Tests.Http;

/// <summary>Cluster, sync, node, diagnostics and health routes: each answer's JSON shape as docs/http-api.md gives it.</summary>
public sealed class ClusterAndNodeRoutesTests : IAsyncLifetime
{
    private ServerHarness _server = null!;

    public async Task InitializeAsync() => _server = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Cluster_answers_self_leader_epoch_mode_and_members()
    {
        var answer = await _server.SendAsync(HttpMethod.Get, "/v1/cluster");

        Assert.Equal(200, answer.Status);
        AssertJson("""
            {"self":"n1","leader":"n1","epoch":4,"mode":"leader","members":[
              {"id":"n1","address":"127.0.0.1:4053","status":"Up","reachable":true,"roles":["hub"],"startedAt":"2025-03-01T10:00:00+00:00","incarnation":"1a2b"},
              {"id":"n2","address":"127.0.0.1:4054","status":"Up","reachable":true,"roles":[],"startedAt":"2025-03-01T10:00:05+00:00","incarnation":"3c4d"},
              {"id":"n3","address":"127.0.0.1:4055","status":"Up","reachable":false,"roles":["edge","hub"],"startedAt":"2025-03-01T10:00:09+00:00","incarnation":"5e6f"}]}
            """, answer.Body);
    }

    [Fact]
    public async Task Cluster_writes_leader_and_epoch_as_null_in_leaderless_mode()
    {
        _server.Api.FakeCluster.Current = new ClusterView("n1", null, null, "leaderless", []);

        var answer = await _server.SendAsync(HttpMethod.Get, "/v1/cluster");

        Assert.Equal("""{"self":"n1","leader":null,"epoch":null,"mode":"leaderless","members":[]}""", answer.Body);
    }

    [Fact]
    public async Task Leave_without_an_id_is_202_for_this_node()
    {
        var answer = await _server.SendAsync(HttpMethod.Post, "/v1/cluster/leave");

        Assert.Equal(202, answer.Status);
        AssertJson("""{"id":"n1","status":"Leaving"}""", answer.Body);
        Assert.Equal(("leave", (string?)null), Assert.Single(_server.Api.FakeCluster.Commands));
    }

    [Fact]
    public async Task Leave_and_down_of_a_member_are_202_with_the_decoded_id()
    {
        var leave = await _server.SendAsync(HttpMethod.Post, "/v1/cluster/leave/n2");
        var down = await _server.SendAsync(HttpMethod.Post, "/v1/cluster/down/n%33");

        Assert.Equal(202, leave.Status);
        AssertJson("""{"id":"n2","status":"Leaving"}""", leave.Body);
        Assert.Equal(202, down.Status);
        AssertJson("""{"id":"n3","status":"Down"}""", down.Body);
    }

    [Theory]
    [InlineData("/v1/cluster/leave/n9")]
    [InlineData("/v1/cluster/down/n9")]
    public async Task Member_commands_are_404_for_an_unknown_member(string path)
    {
        var answer = await _server.SendAsync(HttpMethod.Post, path);

        AssertProblem(answer, 404, "no member with id 'n9' in this cluster");
    }

    [Fact]
    public async Task Sync_peers_answers_one_entry_per_peer()
    {
        var answer = await _server.SendAsync(HttpMethod.Get, "/v1/sync/peers");

        Assert.Equal(200, answer.Status);
        AssertJson("""
            [{"id":"n2","state":"connected","outboundQueue":0,"ackedWatermark":{"n1":"120","n3":"40"},"lagMs":0},
             {"id":"n3","state":"disconnected","outboundQueue":1523,"ackedWatermark":{"n1":"97"},"lagMs":84000}]
            """, answer.Body);
    }

    [Fact]
    public async Task Sync_status_answers_state_counts_and_backfill()
    {
        var backfilling = await _server.SendAsync(HttpMethod.Get, "/v1/sync/status");
        _server.Api.FakeSync.Current = new SyncStatusView("Ready", "leaderless", true, 3, 0, null);
        var ready = await _server.SendAsync(HttpMethod.Get, "/v1/sync/status");

        AssertJson("""
            {"state":"Backfilling","mode":"leader","ready":false,"records":12345,"logEntries":678,
             "backfill":{"phase":"Backfilling","pagesDone":7,"source":"n2"}}
            """, backfilling.Body);
        AssertJson("""{"state":"Ready","mode":"leaderless","ready":true,"records":3,"logEntries":0,"backfill":null}""", ready.Body);
    }

    [Fact]
    public async Task Node_answers_its_identity_addresses_and_storage()
    {
        var answer = await _server.SendAsync(HttpMethod.Get, "/v1/node");

        AssertJson("""
            {"id":"n1","version":"0.1.0","incarnation":"1a2b","address":"127.0.0.1:4053","http":"127.0.0.1:8053",
             "startedAt":"2025-03-01T10:00:00+00:00","uptimeSeconds":93784.5,"mode":"leader","roles":["hub"],
             "dataDir":"data/n1","persistence":"sqlite"}
            """, answer.Body);
    }

    [Fact]
    public async Task Actors_answers_the_tree_with_type_and_mailbox_names()
    {
        var answer = await _server.SendAsync(HttpMethod.Get, "/v1/node/actors");

        AssertJson("""
            {"name":"","path":"/","type":"Root","mailbox":0,"children":[
              {"name":"system","path":"/system","type":"SystemGuardian","mailbox":0,"children":[
                {"name":"sync","path":"/system/sync","type":"SyncCoordinator","mailbox":3,"children":[]}]},
              {"name":"user","path":"/user","type":"UserGuardian","mailbox":0,"children":[]}]}
            """, answer.Body);
    }

    [Fact]
    public async Task Logs_answers_entries_and_passes_limit_and_level()
    {
        var answer = await _server.SendAsync(HttpMethod.Get, "/v1/node/logs?limit=1&level=warning");

        AssertJson("""
            {"entries":[{"timestamp":"2025-03-01T10:00:01+00:00","level":"Information","message":"Member n2 is Up","exception":null}]}
            """, answer.Body);
        Assert.Equal((1, LogLevel.Warning), _server.Api.LastLogsQuery);
    }

    [Theory]
    [InlineData("", 100, LogLevel.Information)]
    [InlineData("?level=Verbose", 100, LogLevel.Trace)]
    [InlineData("?level=FATAL&limit=1000", 1000, LogLevel.Critical)]
    public async Task Logs_defaults_to_100_at_information_and_reads_serilog_level_names(string query, int limit, LogLevel level)
    {
        await _server.SendAsync(HttpMethod.Get, "/v1/node/logs" + query);

        Assert.Equal((limit, level), _server.Api.LastLogsQuery);
    }

    [Theory]
    [InlineData("?level=loud", "level 'loud' is not a log level")]
    [InlineData("?limit=0", "limit '0' is not valid")]
    public async Task Logs_is_400_for_a_bad_level_or_limit(string query, string detail)
    {
        var answer = await _server.SendAsync(HttpMethod.Get, "/v1/node/logs" + query);

        AssertProblem(answer, 400, detail);
    }

    [Fact]
    public async Task Health_live_is_200_even_while_the_node_is_not_ready()
    {
        _server.Api.HealthState = new HealthView(false, "joining");

        var answer = await _server.SendAsync(HttpMethod.Get, "/v1/health/live");

        Assert.Equal(200, answer.Status);
        Assert.Equal("""{"status":"live"}""", answer.Body);
    }

    [Fact]
    public async Task Health_ready_is_200_when_ready_and_503_with_the_reason_when_not()
    {
        var ready = await _server.SendAsync(HttpMethod.Get, "/v1/health/ready");
        _server.Api.HealthState = new HealthView(false, "backfilling from n2");
        var notReady = await _server.SendAsync(HttpMethod.Get, "/v1/health/ready");

        Assert.Equal(200, ready.Status);
        Assert.Equal("""{"status":"ready"}""", ready.Body);
        Assert.Equal(503, notReady.Status);
        Assert.StartsWith("application/json", notReady.ContentType, StringComparison.Ordinal);
        Assert.Equal("""{"status":"not-ready","reason":"backfilling from n2"}""", notReady.Body);
    }
}

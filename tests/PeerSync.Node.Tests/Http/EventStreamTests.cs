using System.Text.Json.Nodes;
using PeerSync.Hosting.Api;
using PeerSync.Node.Http;
using PeerSync.Node.Tests.Http.Fakes;
using PeerSync.Node.Tests.Http.Support;
using static PeerSync.Node.Tests.Http.Support.Problems;
using static PeerSync.Node.Tests.Http.RecordRoutesTests;

namespace PeerSync.Node.Tests.Http;

/// <summary>The Server-Sent Events routes: framing, resume, heartbeats, and how streams end.</summary>
public sealed class EventStreamTests : IAsyncLifetime
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private ServerHarness _server = null!;

    public async Task InitializeAsync() => _server = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Changes_stream_sends_each_change_with_its_position_as_id()
    {
        using var stream = await EventStreamClient.OpenAsync(_server, "/v1/changes");
        await _server.Api.FakeRecords.FeedOpened.Task.WaitAsync(HangGuard);

        _server.Api.FakeRecords.Publish("tags", "k1", """{"color":"blue"}""");
        _server.Api.FakeRecords.Publish("tags", "k1", null, origin: "n3");

        Assert.Equal(200, (int)stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", stream.Response.Headers.CacheControl?.ToString());
        Assert.Equal(
            ["id: 1", "event: change", """data: {"position":1,"collection":"tags","key":"k1","value":{"color":"blue"},"deleted":false,"version":"1740823200000.1","origin":"n2"}"""],
            await stream.ReadBlockAsync());
        Assert.Equal(
            ["id: 2", "event: change", """data: {"position":2,"collection":"tags","key":"k1","value":null,"deleted":true,"version":"1740823200000.2","origin":"n3"}"""],
            await stream.ReadBlockAsync());
        Assert.Equal([(long?)null], _server.Api.FakeRecords.FeedsOpened);
    }

    [Fact]
    public async Task Changes_stream_keeps_a_multi_line_value_on_one_data_line()
    {
        using var stream = await EventStreamClient.OpenAsync(_server, "/v1/changes");
        await _server.Api.FakeRecords.FeedOpened.Task.WaitAsync(HangGuard);

        _server.Api.FakeRecords.Publish("tags", "k1", "{\r\n  \"a\": \"x\\ny\"\n}");

        var block = await stream.ReadBlockAsync();
        var data = Assert.Single(block!, l => l.StartsWith("data: ", StringComparison.Ordinal));
        Assert.Equal("x\ny", (string?)JsonNode.Parse(data["data: ".Length..])!["value"]!["a"]);
    }

    [Theory]
    [InlineData("/v1/changes?since=1", null)]
    [InlineData("/v1/changes", "1")]
    [InlineData("/v1/changes?since=0", "1")]
    public async Task Changes_stream_resumes_after_since_or_last_event_id_which_wins(string path, string? lastEventId)
    {
        _server.Api.FakeRecords.Publish("tags", "a", "1");
        _server.Api.FakeRecords.Publish("tags", "b", "2");
        _server.Api.FakeRecords.Publish("tags", "c", "3");

        using var stream = await EventStreamClient.OpenAsync(_server, path, lastEventId);

        Assert.Equal("id: 2", (await stream.ReadBlockAsync())![0]);
        Assert.Equal("id: 3", (await stream.ReadBlockAsync())![0]);
        Assert.Equal([(long?)1], _server.Api.FakeRecords.FeedsOpened);
    }

    [Theory]
    [InlineData("/v1/changes?since=abc", null, "since 'abc' is not a change position")]
    [InlineData("/v1/changes?since=-1", null, "since '-1' is not a change position")]
    [InlineData("/v1/changes", "x1", "Last-Event-ID 'x1' is not a change position")]
    public async Task Changes_stream_is_400_before_it_starts_when_the_position_is_bad(string path, string? lastEventId, string detail)
    {
        using var request = _server.Request(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        var answer = await _server.SendAsync(request);

        AssertProblem(answer, 400, detail);
    }

    [Fact]
    public async Task Changes_stream_sends_a_comment_heartbeat_every_15_seconds_of_the_clock()
    {
        using var stream = await EventStreamClient.OpenAsync(_server, "/v1/changes");
        await _server.Api.FakeRecords.FeedOpened.Task.WaitAsync(HangGuard);

        _server.Time.Advance(NodeHttpServer.DefaultHeartbeatInterval);
        Assert.Equal([": heartbeat"], await stream.ReadBlockAsync());
        _server.Api.FakeRecords.Publish("tags", "a", "1");
        Assert.Equal("id: 1", (await stream.ReadBlockAsync())![0]);
        _server.Time.Advance(NodeHttpServer.DefaultHeartbeatInterval);
        Assert.Equal([": heartbeat"], await stream.ReadBlockAsync());
    }

    [Fact]
    public async Task Changes_stream_is_not_cut_by_the_request_timeout()
    {
        using var stream = await EventStreamClient.OpenAsync(_server, "/v1/changes");
        await _server.Api.FakeRecords.FeedOpened.Task.WaitAsync(HangGuard);

        _server.Time.Advance(TimeSpan.FromSeconds(31));
        _server.Api.FakeRecords.Publish("tags", "a", "1");

        // One or two heartbeats come first (a periodic timer coalesces ticks it could not deliver).
        var block = await stream.ReadBlockAsync();
        while (block is [": heartbeat"])
        {
            block = await stream.ReadBlockAsync();
        }

        Assert.Equal("id: 1", block![0]);
    }

    [Fact]
    public async Task Changes_stream_ends_the_facade_enumeration_when_the_client_goes_away()
    {
        var stream = await EventStreamClient.OpenAsync(_server, "/v1/changes");
        await _server.Api.FakeRecords.FeedOpened.Task.WaitAsync(HangGuard);

        stream.Dispose();

        await _server.Api.FakeRecords.FeedEnded.Task.WaitAsync(HangGuard);
    }

    [Fact]
    public async Task Changes_stream_ends_cleanly_when_the_server_stops()
    {
        using var stream = await EventStreamClient.OpenAsync(_server, "/v1/changes");
        await _server.Api.FakeRecords.FeedOpened.Task.WaitAsync(HangGuard);

        var stop = _server.Server.StopAsync();

        Assert.Null(await stream.ReadBlockAsync());
        await stop.WaitAsync(HangGuard);
        await _server.Api.FakeRecords.FeedEnded.Task.WaitAsync(HangGuard);
    }

    [Fact]
    public async Task Cluster_events_start_with_a_snapshot_then_send_member_events()
    {
        using var stream = await EventStreamClient.OpenAsync(_server, "/v1/cluster/events");
        var snapshot = await stream.ReadBlockAsync();
        await _server.Api.FakeCluster.Subscribed.Task.WaitAsync(HangGuard);

        _server.Api.FakeCluster.Publish(new ClusterEventView("UnreachableMember", FakeClusterApi.N3, "n1", 4, FakePeerSyncApi.Started.AddMinutes(1), null));
        var member = await stream.ReadBlockAsync();

        Assert.Equal("event: snapshot", snapshot![0]);
        var cluster = await _server.SendAsync(HttpMethod.Get, "/v1/cluster");
        Assert.Equal("data: " + cluster.Body, snapshot[1]);
        Assert.Equal("event: member", member![0]);
        AssertJson("""
            {"type":"UnreachableMember",
             "member":{"id":"n3","address":"127.0.0.1:4055","status":"Up","reachable":false,"roles":["edge","hub"],"startedAt":"2025-03-01T10:00:09+00:00","incarnation":"5e6f"},
             "leader":"n1","epoch":4,"at":"2025-03-01T10:01:00+00:00"}
            """, member[1]["data: ".Length..]);
    }

    [Fact]
    public async Task Cluster_events_end_the_facade_enumeration_when_the_client_goes_away()
    {
        var stream = await EventStreamClient.OpenAsync(_server, "/v1/cluster/events");
        await stream.ReadBlockAsync();
        await _server.Api.FakeCluster.Subscribed.Task.WaitAsync(HangGuard);

        stream.Dispose();

        await _server.Api.FakeCluster.SubscriptionEnded.Task.WaitAsync(HangGuard);
    }

    [Fact]
    public async Task Event_streams_need_the_token_when_one_is_set()
    {
        await using var server = await ServerHarness.StartAsync(o => o.Token = ServerHarness.Token);

        var answer = await server.SendAsync(HttpMethod.Get, "/v1/cluster/events");

        AssertProblem(answer, 401, "requires a token");
    }
}

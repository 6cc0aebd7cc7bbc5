using Microsoft.Extensions.Logging;
using PeerSync.Node.Tests.Http.Support;
using static PeerSync.Node.Tests.Http.Support.Problems;

namespace PeerSync.Node.Tests.Http;

/// <summary>What every route shares: unknown routes, methods, unexpected failures, timeouts, auth and rate limits.</summary>
public sealed class PipelineTests
{
    [Theory]
    [InlineData("/v2/cluster")]
    [InlineData("/v1/collections/tags/records/a/b")]
    [InlineData("/")]
    public async Task Unknown_routes_are_404_problems_naming_the_route(string path)
    {
        await using var server = await ServerHarness.StartAsync();

        var answer = await server.SendAsync(HttpMethod.Get, path);

        AssertProblem(answer, 404, $"no route for GET {path}");
    }

    [Fact]
    public async Task A_wrong_method_on_a_known_route_is_405_naming_the_allowed_ones()
    {
        await using var server = await ServerHarness.StartAsync();

        var patch = await server.SendAsync(HttpMethod.Patch, "/v1/collections/tags/records/k1", "1");
        var getLeave = await server.SendAsync(HttpMethod.Get, "/v1/cluster/leave");

        var detail = (string?)AssertProblem(patch, 405, "PATCH is not allowed on /v1/collections/tags/records/k1; allowed: ")["detail"];
        Assert.Contains("GET", detail, StringComparison.Ordinal);
        Assert.Contains("PUT", detail, StringComparison.Ordinal);
        Assert.Contains("DELETE", detail, StringComparison.Ordinal);
        Assert.Contains("PUT", patch.Response.Content.Headers.Allow);
        AssertProblem(getLeave, 405, "allowed: POST");
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_500_with_a_trace_id_only_and_one_error_log_line()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Api.FakeRecords.Failure = new InvalidOperationException("connection string Password=hunter2 is wrong");

        var answer = await server.SendAsync(HttpMethod.Get, "/v1/collections/tags/records/k1");

        var problem = AssertProblem(answer, 500, "the node failed to handle GET /v1/collections/tags/records/k1; its log has the error (trace ");
        var traceId = (string?)problem["traceId"];
        Assert.False(string.IsNullOrEmpty(traceId));
        Assert.DoesNotContain("hunter2", answer.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", answer.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", answer.Body, StringComparison.Ordinal);
        var error = Assert.Single(server.Logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.IsType<InvalidOperationException>(error.Exception);
        Assert.Contains(traceId!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_synchronous_facade_call_is_a_500_too()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Api.HealthFailure = new NullReferenceException();

        var answer = await server.SendAsync(HttpMethod.Get, "/v1/health/ready");

        AssertProblem(answer, 500, "the node failed to handle GET /v1/health/ready");
    }

    [Fact]
    public async Task A_request_still_running_after_request_timeout_is_cancelled_and_503()
    {
        // The clock is manual: the write waits on the facade until the test moves time past the limit.
        await using var server = await ServerHarness.StartAsync(o => o.RequestTimeout = TimeSpan.FromSeconds(30));
        server.Api.FakeRecords.HoldWrites = true;

        var put = server.SendAsync(HttpMethod.Put, "/v1/collections/tags/records/k1", "1");
        await server.Api.FakeRecords.WriteEntered.WaitAsync(TimeSpan.FromSeconds(30));
        server.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(put.IsCompleted);
        server.Time.Advance(TimeSpan.FromSeconds(1));
        var answer = await put.WaitAsync(TimeSpan.FromSeconds(30));

        AssertProblem(answer, 503, "the request did not complete within 30s (peersync.http.request-timeout)");
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("timed out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deadline_reused_from_an_earlier_request_starts_afresh_and_still_fires()
    {
        // Deadlines are pooled: one left over from finished requests must neither fire late on a
        // new request nor fail to fire on a held one.
        await using var server = await ServerHarness.StartAsync(o => o.RequestTimeout = TimeSpan.FromSeconds(30));
        Assert.Equal(200, (await server.SendAsync(HttpMethod.Put, "/v1/collections/tags/records/k1", "1")).Status);
        server.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(200, (await server.SendAsync(HttpMethod.Put, "/v1/collections/tags/records/k1", "2")).Status);
        server.Time.Advance(TimeSpan.FromSeconds(20));
        server.Api.FakeRecords.HoldWrites = true;

        var put = server.SendAsync(HttpMethod.Put, "/v1/collections/tags/records/k1", "3");
        await server.Api.FakeRecords.WriteEntered.WaitAsync(TimeSpan.FromSeconds(30));
        server.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(put.IsCompleted);
        server.Time.Advance(TimeSpan.FromSeconds(1));

        AssertProblem(await put.WaitAsync(TimeSpan.FromSeconds(30)), 503, "did not complete within 30s");
        server.Api.FakeRecords.HoldWrites = false;
        Assert.Equal(200, (await server.SendAsync(HttpMethod.Put, "/v1/collections/tags/records/k1", "4")).Status);
    }

    [Fact]
    public async Task With_a_token_a_request_without_authorization_is_401_with_a_bearer_challenge()
    {
        await using var server = await ServerHarness.StartAsync(o => o.Token = ServerHarness.Token);

        var answer = await server.SendAsync(HttpMethod.Get, "/v1/cluster");

        AssertProblem(answer, 401, "this node requires a token: send Authorization: Bearer <token>");
        Assert.Equal("Bearer realm=\"peersync\"", answer.Response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task With_a_token_a_wrong_token_is_401_invalid_token()
    {
        await using var server = await ServerHarness.StartAsync(o => o.Token = ServerHarness.Token);

        var wrong = await server.SendAsync(HttpMethod.Get, "/v1/cluster", token: ServerHarness.Token + "x");
        var prefix = await server.SendAsync(HttpMethod.Get, "/v1/cluster", token: ServerHarness.Token[..10]);

        AssertProblem(wrong, 401, "the bearer token is not the one this node accepts");
        Assert.Contains("error=\"invalid_token\"", wrong.Response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        AssertProblem(prefix, 401, "the bearer token is not the one this node accepts");
    }

    [Fact]
    public async Task With_a_token_another_scheme_is_401()
    {
        await using var server = await ServerHarness.StartAsync(o => o.Token = ServerHarness.Token);
        using var request = server.Request(HttpMethod.Get, "/v1/cluster");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");

        var answer = await server.SendAsync(request);

        AssertProblem(answer, 401, "the Authorization header must be one 'Bearer <token>'");
    }

    [Fact]
    public async Task With_a_token_the_right_token_passes_and_the_scheme_is_case_insensitive()
    {
        await using var server = await ServerHarness.StartAsync(o => o.Token = ServerHarness.Token);
        using var request = server.Request(HttpMethod.Get, "/v1/cluster");
        request.Headers.TryAddWithoutValidation("Authorization", "bearer " + ServerHarness.Token);

        var right = await server.SendAsync(HttpMethod.Get, "/v1/cluster", token: ServerHarness.Token);
        var lower = await server.SendAsync(request);

        Assert.Equal(200, right.Status);
        Assert.Equal(200, lower.Status);
    }

    [Theory]
    [InlineData("/v1/health/live", 200)]
    [InlineData("/v1/health/ready", 200)]
    [InlineData("/metrics", 200)]
    [InlineData("/v1/health/nope", 404)]
    public async Task With_a_token_health_and_metrics_need_none(string path, int status)
    {
        await using var server = await ServerHarness.StartAsync(o => o.Token = ServerHarness.Token);

        var answer = await server.SendAsync(HttpMethod.Get, path);

        Assert.Equal(status, answer.Status);
    }

    [Fact]
    public async Task With_a_token_a_post_to_a_health_path_still_needs_the_token()
    {
        await using var server = await ServerHarness.StartAsync(o => o.Token = ServerHarness.Token);

        var answer = await server.SendAsync(HttpMethod.Post, "/v1/health/live");

        Assert.Equal(401, answer.Status);
    }

    [Fact]
    public async Task Without_a_token_loopback_clients_are_served()
    {
        await using var server = await ServerHarness.StartAsync();

        var answer = await server.SendAsync(HttpMethod.Get, "/v1/cluster");

        Assert.Equal(200, answer.Status);
    }

    [Fact]
    public async Task Past_the_burst_a_client_gets_429_with_retry_after_until_its_bucket_refills()
    {
        // 1 request per second, bucket of 2: two at once pass, the third waits one second of the manual clock.
        await using var server = await ServerHarness.StartAsync(o => o.RateLimit = new() { RequestsPerSecond = 1, Burst = 2 });

        var first = await server.SendAsync(HttpMethod.Get, "/v1/health/live");
        var second = await server.SendAsync(HttpMethod.Get, "/v1/cluster");
        var third = await server.SendAsync(HttpMethod.Get, "/v1/cluster");
        server.Time.Advance(TimeSpan.FromMilliseconds(999));
        var early = await server.SendAsync(HttpMethod.Get, "/v1/cluster");
        server.Time.Advance(TimeSpan.FromMilliseconds(1));
        var refilled = await server.SendAsync(HttpMethod.Get, "/v1/cluster");

        Assert.Equal(200, first.Status);
        Assert.Equal(200, second.Status);
        AssertProblem(third, 429, "client 127.0.0.1 made more than 1 requests per second (burst 2, peersync.http.rate-limit); retry after 1s");
        Assert.Equal("1", third.Header("Retry-After"));
        Assert.Equal(429, early.Status);
        Assert.Equal(200, refilled.Status);
    }

    [Fact]
    public async Task Rate_limiting_is_off_when_requests_per_second_is_0()
    {
        await using var server = await ServerHarness.StartAsync(o => o.RateLimit = new() { RequestsPerSecond = 0, Burst = 1 });

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await server.SendAsync(HttpMethod.Get, "/v1/health/live")).Status);
        }
    }

    [Fact]
    public async Task The_server_reports_the_port_it_bound_when_0_was_asked_for()
    {
        await using var server = await ServerHarness.StartAsync();

        Assert.Equal("127.0.0.1", server.Server.EndPoint.Address.ToString());
        Assert.NotEqual(0, server.Server.EndPoint.Port);
        Assert.Equal($"http://127.0.0.1:{server.Server.EndPoint.Port}/", server.Server.Address.ToString());
        Assert.Contains(server.Logs.Entries, e => e.Message.StartsWith("HTTP API listening on 127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Starting_on_a_port_in_use_fails_with_an_io_exception_naming_the_address()
    {
        await using var first = await ServerHarness.StartAsync();
        var port = first.Server.EndPoint.Port;

        var error = await Assert.ThrowsAsync<IOException>(() => ServerHarness.StartAsync(o => o.Port = port));

        Assert.StartsWith($"peersync.http.port: cannot listen on 127.0.0.1:{port}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stopped_server_refuses_connections()
    {
        var server = await ServerHarness.StartAsync();
        var address = server.Server.Address;
        await server.DisposeAsync();

        using var client = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(address, "/v1/health/live")));
    }
}

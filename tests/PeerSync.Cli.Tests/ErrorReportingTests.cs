using System.Net;
using System.Net.Sockets;
using PeerSync.Cli.Tests.Fakes;
using PeerSync.Cli.Tests.Support;

namespace PeerSync.Cli.Tests;

/// <summary>Every way a request can fail ends in exit 1 and one line on stderr that says what to do.</summary>
public sealed class ErrorReportingTests : IAsyncLifetime
{
    private FakeNode _node = null!;

    public async Task InitializeAsync() => _node = await FakeNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Unreachable_node_names_the_address_and_suggests_node()
    {
        var port = ClosedPort();

        var result = await CliHarness.RunAsync("--node", $"127.0.0.1:{port}", "cluster", "show");

        AssertFailure(result,
            $"psync: cannot reach the node at 127.0.0.1:{port}: connection refused; is it running there? Point psync at a node with --node host:port or PSYNC_NODE");
    }

    [Fact]
    public async Task Unresolvable_host_is_reported_as_such()
    {
        var result = await CliHarness.RunAsync("--node", "psync-test.invalid:8053", "--timeout", "30s", "node", "info");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("psync: cannot reach the node at psync-test.invalid:8053: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("could not be resolved", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slow_node_times_out_after_the_timeout_option()
    {
        // Virtual time: the request is held by the fake until the CLI's 3s timer fires.
        var time = new ManualTimeProvider();
        var cli = new CliHarness { Time = time };
        _node.HoldRequests = true;
        var run = cli.StartAsync("--node", _node.Address, "--timeout", "3s", "cluster", "show");
        await _node.RequestHeld;
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(3));

        time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(1, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(
            $"psync: the node at {_node.Address} did not answer GET /v1/cluster within 3s; is the address right (--node)? Wait longer with --timeout\n",
            cli.Error.ToString());
        Assert.Equal("", cli.Out.ToString());
    }

    [Fact]
    public async Task Ctrl_c_interrupts_a_waiting_command_with_exit_1()
    {
        var cli = new CliHarness { Time = new ManualTimeProvider() };
        _node.HoldRequests = true;
        var run = cli.StartAsync("--node", _node.Address, "sync", "status");
        await _node.RequestHeld;

        Assert.True(cli.Interrupts.Interrupt());

        Assert.Equal(1, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("psync: interrupted\n", cli.Error.ToString());
    }

    [Fact]
    public async Task Connection_cut_mid_answer_is_reported_as_broken()
    {
        _node.CutAnswers = true;

        var result = await Run("cluster", "show");

        Assert.Equal(1, result.ExitCode);
        Assert.True(result.Error.StartsWith($"psync: the connection to the node at {_node.Address} broke during GET /v1/cluster: ", StringComparison.Ordinal), result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Non_http_port_is_reported_with_a_hint_about_the_http_port()
    {
        // A listener that answers like a binary protocol (a length-prefixed frame), as a node's cluster port would.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            // Wait for the request to start arriving; its content does not matter.
            await stream.ReadAtLeastAsync(new byte[16], 16);
            await stream.WriteAsync(new byte[] { 0, 0, 0, 5, 0x0a, 0x03, 0x01, 0x02, 0x03, 0x0d, 0x0a, 0x0d, 0x0a });
        });

        var result = await CliHarness.RunAsync("--node", $"127.0.0.1:{port}", "cluster", "show");
        await server.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"psync: 127.0.0.1:{port} did not answer GET /v1/cluster in HTTP (", result.Error, StringComparison.Ordinal);
        Assert.EndsWith("); is --node the node's HTTP port (peersync.http.port), not its cluster port?\n", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_token_says_the_node_requires_one()
    {
        _node.RequiredToken = "s3cret";

        var result = await Run("cluster", "show");

        AssertFailure(result, $"psync: the node at {_node.Address} requires a token (401 Unauthorized); pass it with --token or PSYNC_TOKEN");
    }

    [Fact]
    public async Task Wrong_token_says_it_was_rejected()
    {
        _node.RequiredToken = "s3cret";

        var result = await Run("--token", "guess", "cluster", "show");

        AssertFailure(result, $"psync: the node at {_node.Address} rejected the token (401 Unauthorized); pass the right one with --token or PSYNC_TOKEN");
        Assert.Equal("Bearer guess", _node.LastRequest.Authorization);
    }

    [Fact]
    public async Task Token_from_the_option_is_sent_as_a_bearer_token()
    {
        _node.RequiredToken = "s3cret";

        var result = await Run("--token", "s3cret", "cluster", "leader");

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Token_and_node_come_from_the_environment_when_not_given()
    {
        _node.RequiredToken = "from-env";
        var cli = new CliHarness();
        cli.Variables["PSYNC_TOKEN"] = "from-env";
        cli.Variables["PSYNC_NODE"] = _node.Address;

        var result = await cli.RunToEndAsync("cluster", "leader");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Bearer from-env", _node.LastRequest.Authorization);
    }

    [Fact]
    public async Task Options_win_over_the_environment()
    {
        var cli = new CliHarness();
        cli.Variables["PSYNC_TOKEN"] = "from-env";
        cli.Variables["PSYNC_NODE"] = $"127.0.0.1:{ClosedPort()}";

        var result = await cli.RunToEndAsync("--node", _node.Address, "--token", "from-flag", "cluster", "leader");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Bearer from-flag", _node.LastRequest.Authorization);
    }

    [Fact]
    public async Task No_token_means_no_authorization_header()
    {
        var result = await Run("cluster", "leader");

        Assert.Equal(0, result.ExitCode);
        Assert.Null(_node.LastRequest.Authorization);
    }

    [Fact]
    public async Task Forbidden_passes_on_the_nodes_detail()
    {
        _node.Forbidden = true;

        var result = await Run("node", "info");

        AssertFailure(result, $"psync: the node at {_node.Address} refused GET /v1/node (403 Forbidden): without a token this node only serves loopback clients");
    }

    [Fact]
    public async Task Forbidden_without_detail_explains_the_loopback_rule()
    {
        _node.FailWithStatus = 403;
        _node.FailBody = "";

        var result = await Run("node", "info");

        AssertFailure(result, $"psync: the node at {_node.Address} refused GET /v1/node (403 Forbidden); a node without a token only serves clients on its own machine");
    }

    [Fact]
    public async Task Not_ready_gives_the_reason()
    {
        _node.NotReadyReason = "backfilling from n2 (page 7)";

        var result = await Run("records", "put", "tags", "k", "1");

        AssertFailure(result, $"psync: the node at {_node.Address} is not ready: backfilling from n2 (page 7); try again once it has joined and synced");
    }

    [Fact]
    public async Task Server_error_names_the_status_and_detail()
    {
        _node.FailWithStatus = 500;

        var result = await Run("sync", "peers");

        AssertFailure(result, $"psync: the node at {_node.Address} failed on GET /v1/sync/peers (500 Internal Server Error): the journal is unavailable");
    }

    [Fact]
    public async Task Bad_request_is_reported_as_rejected()
    {
        _node.FailWithStatus = 400;

        var result = await Run("records", "get", "bad name", "k");

        AssertFailure(result, $"psync: the node at {_node.Address} rejected GET /v1/collections/bad%20name/records/k (400 Bad Request): the journal is unavailable");
    }

    [Fact]
    public async Task Rate_limiting_says_to_retry_later()
    {
        _node.FailWithStatus = 429;

        var result = await Run("node", "info");

        AssertFailure(result, $"psync: the node at {_node.Address} is rate limiting requests (429 Too Many Requests); retry later");
    }

    [Fact]
    public async Task Error_with_a_plain_text_body_shows_the_text_on_one_line()
    {
        _node.FailWithStatus = 502;
        _node.FailBody = "Bad gateway:\nupstream node is down\n";

        var result = await Run("node", "info");

        AssertFailure(result, $"psync: the node at {_node.Address} failed on GET /v1/node (502 Bad Gateway): Bad gateway: upstream node is down");
    }

    [Fact]
    public async Task Not_ready_with_the_readiness_body_gives_its_reason()
    {
        _node.FailWithStatus = 503;
        _node.FailBody = """{"status":"not-ready","reason":"joining the cluster"}""";
        _node.FailContentType = "application/json";

        var result = await Run("sync", "status");

        AssertFailure(result, $"psync: the node at {_node.Address} is not ready: joining the cluster; try again once it has joined and synced");
    }

    [Fact]
    public async Task Problem_detail_with_newlines_stays_on_one_line()
    {
        var result = await Run("cluster", "down", "n\nx");

        AssertFailure(result, "psync: not found: no member 'n x' in this cluster");
        Assert.Equal("/v1/cluster/down/n%0Ax", _node.LastRequest.RawTarget);
    }

    [Fact]
    public async Task Non_json_answer_is_malformed()
    {
        _node.RawAnswer = "<html>proxy error</html>";
        _node.RawAnswerContentType = "text/html";

        var result = await Run("cluster", "show");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith($"psync: malformed answer from the node at {_node.Address} to GET /v1/cluster: '<' is an invalid start of a value.", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Answer_missing_required_fields_is_malformed()
    {
        _node.RawAnswer = """{"self":"n1","leader":"n1"}""";

        var result = await Run("cluster", "show");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"psync: malformed answer from the node at {_node.Address} to GET /v1/cluster: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("'members'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_info_without_its_id_is_malformed()
    {
        _node.NodeJson = """{"version":"0.1.0"}""";

        var result = await Run("node", "info");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"psync: malformed answer from the node at {_node.Address} to GET /v1/node: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("missing required properties", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_answer_is_malformed()
    {
        _node.RawAnswer = "";

        var result = await Run("sync", "status");

        AssertFailure(result, $"psync: malformed answer from the node at {_node.Address} to GET /v1/sync/status: the answer is empty");
    }

    private Task<CliResult> Run(params string[] args) => CliHarness.RunAsync(["--node", _node.Address, .. args]);

    private static void AssertFailure(CliResult result, string expectedError)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal(expectedError + "\n", result.Error);
    }

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

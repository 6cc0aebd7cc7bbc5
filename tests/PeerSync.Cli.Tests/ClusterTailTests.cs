using PeerSync.Cli.Tests.Fakes;
using PeerSync.Cli.Tests.Support;

namespace PeerSync.Cli.Tests;

/// <summary>
/// `cluster tail` against the fake node's event stream. Reconnect delays run on virtual time: a
/// test waits until the CLI arms its backoff timer, then advances the clock past it.
/// </summary>
public sealed class ClusterTailTests : IAsyncLifetime
{
    private const string MemberUp = """{"type":"MemberUp","member":"n2","leader":"n1","epoch":4,"at":"2025-03-01T10:00:05.125Z"}""";
    private const string Unreachable = """{"type":"UnreachableMember","member":{"id":"n3","address":"127.0.0.1:4055"},"leader":"n1","epoch":4,"at":"2025-03-01T10:01:00Z"}""";
    private const string LeaderChanged = """{"type":"LeaderChanged","member":"n2","leader":"n2","epoch":5,"at":"2025-03-01T10:02:00Z"}""";

    private FakeNode _node = null!;

    public async Task InitializeAsync() => _node = await FakeNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Cluster_tail_prints_the_snapshot_then_one_line_per_event_and_ends_with_0_on_ctrl_c()
    {
        var cli = new CliHarness { Time = new ManualTimeProvider() };
        var run = cli.StartAsync("--node", _node.Address, "cluster", "tail");
        await _node.Events.WaitForConnectionAsync(1);

        _node.Events.Publish("member", MemberUp);
        _node.Events.Publish("member", Unreachable);
        await cli.Out.WaitForAsync("UnreachableMember");
        Assert.True(cli.Interrupts.Interrupt());

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(
            [
                "snapshot: self n1, leader n1, epoch 4, mode leader; members: n1 Up, n2 Up, n3 Up unreachable",
                "2025-03-01T10:00:05.125Z  MemberUp           n2  leader n1  epoch 4",
                "2025-03-01T10:01:00.000Z  UnreachableMember  n3  leader n1  epoch 4",
            ],
            Lines(cli.Out));
        Assert.Equal("", cli.Error.ToString());
    }

    [Fact]
    public async Task Cluster_tail_json_prints_one_compact_object_per_line()
    {
        var cli = new CliHarness { Time = new ManualTimeProvider() };
        var run = cli.StartAsync("--node", _node.Address, "cluster", "tail", "--json");
        await _node.Events.WaitForConnectionAsync(1);

        _node.Events.Publish("member", MemberUp);
        await cli.Out.WaitForAsync("MemberUp");
        cli.Interrupts.Interrupt();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        var lines = Lines(cli.Out);
        Assert.Equal(2, lines.Count);
        ClusterCommandTests.AssertJsonEqual(FakeNodeJson.Cluster, lines[0]);
        ClusterCommandTests.AssertJsonEqual(MemberUp, lines[1]);
    }

    [Fact]
    public async Task Cluster_tail_reconnects_with_backoff_after_the_connection_is_cut()
    {
        var time = new ManualTimeProvider();
        var cli = new CliHarness { Time = time };
        var run = cli.StartAsync("--node", _node.Address, "cluster", "tail");
        await _node.Events.WaitForConnectionAsync(1);
        _node.Events.Publish("member", MemberUp);
        await cli.Out.WaitForAsync("MemberUp");

        _node.Events.Abort();
        await time.WaitForTimerAsync(TimeSpan.FromMilliseconds(500));
        time.Advance(TimeSpan.FromMilliseconds(500));
        await _node.Events.WaitForConnectionAsync(2);
        _node.Events.Publish("member", LeaderChanged);
        await cli.Out.WaitForAsync("LeaderChanged");
        cli.Interrupts.Interrupt();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        var errors = cli.Error.ToString();
        Assert.Contains($"psync: event stream from {_node.Address} dropped (", errors, StringComparison.Ordinal);
        Assert.Contains("); reconnecting in 500ms", errors, StringComparison.Ordinal);
        Assert.Contains($"psync: reconnected to the event stream of {_node.Address}", errors, StringComparison.Ordinal);
        Assert.Equal(2, Lines(cli.Out).Count(l => l.StartsWith("snapshot:", StringComparison.Ordinal)));
        Assert.Contains(Lines(cli.Out), l => l.EndsWith("LeaderChanged      n2  leader n2  epoch 5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cluster_tail_doubles_the_delay_while_reconnects_fail_and_resets_it_after_a_stable_connection()
    {
        var time = new ManualTimeProvider();
        var cli = new CliHarness { Time = time };
        var run = cli.StartAsync("--node", _node.Address, "cluster", "tail");
        await _node.Events.WaitForConnectionAsync(1);

        // The node closes the stream and then answers 503 for a while: 500ms, then 1s, then 2s.
        _node.NotReadyReason = "backfilling from n2";
        _node.Events.Close();
        await time.WaitForTimerAsync(TimeSpan.FromMilliseconds(500));
        time.Advance(TimeSpan.FromMilliseconds(500));
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(2));
        _node.NotReadyReason = null;
        time.Advance(TimeSpan.FromSeconds(2));
        await _node.Events.WaitForConnectionAsync(2);

        // A connection that stays up resets the delay: the next drop waits 500ms again. (Time
        // moves only once the CLI has the stream, so the 10s connect timeout is no longer armed.)
        await cli.Error.WaitForAsync("reconnected");
        time.Advance(TimeSpan.FromSeconds(10));
        _node.Events.Close();
        await time.WaitForTimerAsync(TimeSpan.FromMilliseconds(500));
        cli.Interrupts.Interrupt();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        var errors = cli.Error.ToString().Split('\n');
        Assert.Contains(errors, e => e.Contains("dropped (the node closed the stream); reconnecting in 500ms", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("is not ready: backfilling from n2; try again once it has joined and synced); reconnecting in 1s", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("reconnecting in 2s", StringComparison.Ordinal));
        Assert.Equal(2, errors.Count(e => e.Contains("reconnecting in 500ms", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Cluster_tail_keeps_backing_off_when_connections_drop_at_once()
    {
        var time = new ManualTimeProvider();
        var cli = new CliHarness { Time = time };
        var run = cli.StartAsync("--node", _node.Address, "cluster", "tail");
        await _node.Events.WaitForConnectionAsync(1);

        _node.Events.Close();
        await time.WaitForTimerAsync(TimeSpan.FromMilliseconds(500));
        time.Advance(TimeSpan.FromMilliseconds(500));
        await cli.Error.WaitForAsync("reconnected");
        time.Advance(TimeSpan.FromSeconds(9));
        _node.Events.Close();
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        cli.Interrupts.Interrupt();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.EndsWith("dropped (the node closed the stream); reconnecting in 1s\n", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_tail_waits_longer_when_the_node_asks_with_retry()
    {
        var time = new ManualTimeProvider();
        var cli = new CliHarness { Time = time };
        var run = cli.StartAsync("--node", _node.Address, "cluster", "tail");
        await _node.Events.WaitForConnectionAsync(1);

        _node.Events.PublishRaw("retry: 4000\n\n");
        _node.Events.Close();
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(4));
        cli.Interrupts.Interrupt();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.EndsWith("reconnecting in 4s\n", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_tail_sends_the_last_event_id_when_it_reconnects()
    {
        var time = new ManualTimeProvider();
        var cli = new CliHarness { Time = time };
        var run = cli.StartAsync("--node", _node.Address, "cluster", "tail");
        await _node.Events.WaitForConnectionAsync(1);
        _node.Events.PublishRaw($"id: 42\nevent: member\ndata: {MemberUp}\n\n");
        await cli.Out.WaitForAsync("MemberUp");

        _node.Events.Close();
        await time.WaitForTimerAsync(TimeSpan.FromMilliseconds(500));
        time.Advance(TimeSpan.FromMilliseconds(500));
        await _node.Events.WaitForConnectionAsync(2);
        cli.Interrupts.Interrupt();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        var streams = _node.Requests.Where(r => r.RawTarget == "/v1/cluster/events").ToList();
        Assert.Equal([null, "42"], streams.Select(r => r.LastEventId));
    }

    [Fact]
    public async Task Cluster_tail_skips_a_malformed_event_with_a_notice_and_goes_on()
    {
        var cli = new CliHarness { Time = new ManualTimeProvider() };
        var run = cli.StartAsync("--node", _node.Address, "cluster", "tail");
        await _node.Events.WaitForConnectionAsync(1);

        _node.Events.Publish("member", "{not json");
        _node.Events.Publish("member", """{"member":"n2"}""");
        _node.Events.Publish("member", MemberUp);
        await cli.Out.WaitForAsync("MemberUp");
        cli.Interrupts.Interrupt();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        var errors = cli.Error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, errors.Length);
        Assert.All(errors, e => Assert.StartsWith("psync: skipped a malformed 'member' event: ", e, StringComparison.Ordinal));
        Assert.Contains("'type'", errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_tail_fails_at_once_when_the_first_connection_is_refused()
    {
        _node.RequiredToken = "secret";

        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "tail");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"psync: the node at {_node.Address} requires a token (401 Unauthorized); pass it with --token or PSYNC_TOKEN\n", result.Error);
    }

    [Fact]
    public async Task Cluster_tail_fails_when_the_answer_is_not_an_event_stream()
    {
        _node.RawAnswer = """{"self":"n1"}""";

        var result = await CliHarness.RunAsync("--node", _node.Address, "cluster", "tail");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"psync: malformed answer from the node at {_node.Address} to GET /v1/cluster/events: expected text/event-stream, got application/json\n", result.Error);
    }

    private static List<string> Lines(ObservableWriter writer) =>
        writer.ToString().Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
}

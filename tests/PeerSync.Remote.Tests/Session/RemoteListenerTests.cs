using PeerSync.Remote.Protocol;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Session;

/// <summary>
/// Bad input never hurts the node: each case closes only the offending connection, with the
/// reason logged (and sent to the peer where possible), while an established session on the same
/// listener keeps exchanging frames, and nothing stays open afterwards.
/// </summary>
public sealed class RemoteListenerTests
{
    public static TheoryData<TransportKind> Kinds => [TransportKind.InMemory, TransportKind.Tcp, TransportKind.Tls];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Listener_establishes_sessions_that_carry_frames(TransportKind kind)
    {
        await using var harness = await ListenerHarness.StartAsync(kind);
        Assert.Equal("server", harness.Good.Peer.Id.Value);
        Assert.False(harness.Good.IsInbound);
        Assert.Equal(1, harness.Listener.SessionsEstablished);
        Assert.Single(harness.Logs.Find("Node server established inbound session with good#"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Listener_rejects_a_wrong_secret_and_keeps_serving(TransportKind kind)
    {
        await using var harness = await ListenerHarness.StartAsync(kind);

        var result = await harness.DialAsync(TestNodes.Config("intruder", secret: "guessing the secret, badly"));

        Assert.False(result.Succeeded);
        Assert.Equal(DisconnectReason.AuthenticationFailed, result.Reason);
        await AssertServerLoggedAsync(harness, "intruder", "AuthenticationFailed");
        await harness.AssertGoodSessionEchoesAsync();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Listener_rejects_another_cluster_and_tells_the_peer_why(TransportKind kind)
    {
        await using var harness = await ListenerHarness.StartAsync(kind);

        var result = await harness.DialAsync(TestNodes.Config("stranger", cluster: "elsewhere"));

        Assert.Equal(DisconnectReason.ClusterNameMismatch, result.Reason);
        Assert.True(result.Outcome.ByPeer);
        Assert.Equal("peer closed the connection: cluster name mismatch: this node is in cluster 'peersync-test', the peer in 'elsewhere'", result.Detail);
        await AssertServerLoggedAsync(harness, "stranger", "ClusterNameMismatch");
        await harness.AssertGoodSessionEchoesAsync();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Listener_rejects_another_protocol_version_and_tells_the_peer_why(TransportKind kind)
    {
        await using var harness = await ListenerHarness.StartAsync(kind);

        var result = await harness.DialAsync(TestNodes.Config("future", protocolVersion: 3));

        Assert.Equal(DisconnectReason.ProtocolVersionMismatch, result.Reason);
        Assert.Equal("peer closed the connection: protocol version mismatch: this node speaks version 2, the peer version 3", result.Detail);
        // A different version may lay out the Hello differently: the peer stays unnamed.
        await AssertServerLoggedAsync(harness, "unknown", "ProtocolVersionMismatch");
        await harness.AssertGoodSessionEchoesAsync();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Listener_closes_a_peer_that_sends_a_user_frame_before_the_handshake(TransportKind kind)
    {
        await using var harness = await ListenerHarness.StartAsync(kind);
        var rude = await harness.Pair.Client.DialAsync(harness.Listener.LocalAddress).Within();

        rude.TrySend(Frames.User("/user/skip-the-handshake"));

        Assert.Null(await rude.ReceiveAsync().Within());
        var closed = await rude.Completion.Within();
        Assert.Equal(DisconnectReason.MalformedFrame, closed.Reason);
        Assert.Equal("peer closed the connection: unexpected UserMessage frame while awaiting the peer's Hello", closed.Detail);
        await harness.AssertGoodSessionEchoesAsync();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Listener_times_out_a_peer_that_connects_and_stays_silent(TransportKind kind)
    {
        await using var harness = await ListenerHarness.StartAsync(kind);
        var silent = await harness.Pair.Client.DialAsync(harness.Listener.LocalAddress).Within();
        var receiving = silent.ReceiveAsync().AsTask();

        await harness.AdvanceUntilAsync(receiving);

        var closed = await silent.Completion.Within();
        Assert.Equal(DisconnectReason.HandshakeTimeout, closed.Reason);
        Assert.Equal("peer closed the connection: no complete handshake within 5000 ms (still awaiting the peer's Hello)", closed.Detail);
        await AssertServerLoggedAsync(harness, "unknown", "HandshakeTimeout");
        await harness.AssertGoodSessionEchoesAsync();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Listener_closes_a_session_whose_peer_stopped_reading(TransportKind kind)
    {
        // The server floods the "stall" peer, which never reads: after write-stall-timeout the
        // server closes that session only.
        var settings = new TransportSettings { WriteStallTimeout = TimeSpan.FromMilliseconds(300), SendQueueBytes = 1024 * 1024 };
        await using var harness = await ListenerHarness.StartAsync(kind, settings);

        var stalled = await harness.DialAsync(TestNodes.Config("stall"));
        Assert.True(stalled.Succeeded);

        var closed = await harness.StallClosures.Reader.ReadAsync().AsTask().Within();
        Assert.Equal(DisconnectReason.PeerStoppedReading, closed.Reason);
        Assert.Contains("write-stall-timeout 300 ms", closed.Detail, StringComparison.Ordinal);
        Assert.NotEmpty(harness.Logs.Find("closed by local: PeerStoppedReading: peer stopped reading"));
        await harness.AssertGoodSessionEchoesAsync();
        await stalled.Session!.DisposeAsync();
    }

    [Fact]
    public async Task Listener_refuses_a_connection_beyond_max_pending_handshakes()
    {
        var logs = new CapturingLoggerProvider();
        var pair = new TransportPair(TransportKind.InMemory, logs: logs);
        var time = new ManualTimeProvider();
        await using var listener = await Remote.Session.RemoteListener.StartAsync(
            pair.Server, TransportPair.AnyPort, TestNodes.Runner(TestNodes.Config("server"), time), (_, _) => Task.CompletedTask,
            maxPendingHandshakes: 1, timeProvider: time, logger: logs.CreateLogger("listener"));
        var first = await pair.Client.DialAsync(listener.LocalAddress).Within();
        var second = await pair.Client.DialAsync(listener.LocalAddress).Within();

        Assert.Null(await second.ReceiveAsync().Within());
        var closed = await second.Completion.Within();
        Assert.Equal(DisconnectReason.Overloaded, closed.Reason);
        Assert.Equal("peer closed the connection: 1 handshakes already pending (max-pending-handshakes); retry later", closed.Detail);
        Assert.Equal(1, listener.PendingHandshakes);

        await first.DisposeAsync();
        await listener.DisposeAsync();
        await pair.AssertNoOpenConnectionsAsync();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Listener_disposal_ends_pending_handshakes_and_frees_their_connections(TransportKind kind)
    {
        var logs = new CapturingLoggerProvider();
        var pair = new TransportPair(kind, logs: logs);
        var listener = await Remote.Session.RemoteListener.StartAsync(
            pair.Server, TransportPair.AnyPort, TestNodes.Runner(TestNodes.Config("server"), new ManualTimeProvider()), (_, _) => Task.CompletedTask,
            logger: logs.CreateLogger("listener"));
        var silent = new List<IFrameConnection>();
        for (var i = 0; i < 3; i++)
        {
            silent.Add(await pair.Client.DialAsync(listener.LocalAddress).Within());
        }

        await Eventually.TrueAsync(() => listener.PendingHandshakes == 3, "three pending handshakes", () => Seen(logs));
        var reading = silent.Select(c => c.ReceiveAsync().AsTask()).ToArray();
        await listener.DisposeAsync().AsTask().Within();

        Assert.Equal(0, listener.PendingHandshakes);
        var expected = new ConnectionClosed(DisconnectReason.Shutdown, "peer closed the connection: handshake cancelled: the node is shutting down", ByPeer: true);
        foreach (var (connection, read) in silent.Zip(reading))
        {
            var frame = await read.Within();
            var closed = await connection.Completion.Within();
            // On a mismatch, say what each side logged: a flake must leave enough to explain it.
            Assert.True(frame is null && closed == expected, $"{connection}: read {frame?.ToString() ?? "null"}, closed {closed}; expected null and {expected}\n{Seen(logs)}");
        }

        await pair.AssertNoOpenConnectionsAsync();
        Assert.Equal(0, pair.Server.Counters.OpenListeners);
    }

    private static string Seen(CapturingLoggerProvider logs) =>
        "logged:\n" + string.Join("\n", logs.Lines.Select(l => $"  {l.Level} {l.Category}: {l.Text}"));

    private static async Task AssertServerLoggedAsync(ListenerHarness harness, string peer, string reason)
    {
        // The server logs after it closed the connection; wait (bounded) for the line.
        for (var i = 0; i < 400; i++)
        {
            if (harness.Logs.Find("Node server: handshake on connection", peer == "unknown" ? "(peer unknown)" : $"(peer {peer}#", $"failed: {reason}: ").Count > 0)
            {
                var line = harness.Logs.Find("Node server: handshake on connection", peer == "unknown" ? "(peer unknown)" : $"(peer {peer}#", $"failed: {reason}: ")[0];
                Assert.Equal("server", line.Properties["NodeId"]!.ToString());
                Assert.Equal(reason, line.Properties["Reason"]!.ToString());
                return;
            }

            await Task.Delay(10);
        }

        Assert.Fail($"the server never logged a {reason} handshake failure for {peer}; lines:\n" + string.Join("\n", harness.Logs.Lines.Select(l => l.Text)));
    }
}

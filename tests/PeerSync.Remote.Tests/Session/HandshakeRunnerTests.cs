using PeerSync.Remote.Handshake;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Tests.Transport;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Session;

public sealed class HandshakeRunnerTests
{
    [Fact]
    public async Task HandshakeRunner_leaves_frames_sent_right_after_the_handshake_for_the_session()
    {
        // Each side sends a user frame the moment its handshake completes; neither is swallowed by
        // the other side's runner, both arrive through the sessions.
        var pair = new TransportPair(TransportKind.InMemory);
        var (client, server, listener) = await FrameConnectionTests.ConnectAsync(pair);
        var acceptor = Task.Run(async () =>
        {
            var result = await TestNodes.Runner(TestNodes.Config("b")).RunAsync(server, HandshakeRole.Acceptor);
            result.Session!.TrySend(Frames.User("/user/from-acceptor"));
            return result;
        });
        var initiator = await TestNodes.Runner(TestNodes.Config("a")).RunAsync(client, HandshakeRole.Initiator).Within();
        initiator.Session!.TrySend(Frames.User("/user/from-initiator"));
        var accepted = await acceptor.Within();

        Assert.Equal("/user/from-acceptor", (await initiator.Session.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        Assert.Equal("/user/from-initiator", (await accepted.Session!.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        Assert.Equal("b", initiator.Session.Peer.Id.Value);
        Assert.Equal("a", accepted.Session.Peer.Id.Value);
        await Task.WhenAll(initiator.Session.DisposeAsync().AsTask(), accepted.Session.DisposeAsync().AsTask()).Within();
        await listener.DisposeAsync();
        await pair.AssertNoOpenConnectionsAsync();
    }

    [Fact]
    public async Task HandshakeRunner_times_out_an_initiator_whose_acceptor_stays_silent()
    {
        var pair = new TransportPair(TransportKind.InMemory);
        var (client, server, listener) = await FrameConnectionTests.ConnectAsync(pair);
        var time = new ManualTimeProvider();

        var running = TestNodes.Runner(TestNodes.Config("a"), time).RunAsync(client, HandshakeRole.Initiator);
        Assert.Equal(1, time.ActiveTimers);
        time.Advance(TimeSpan.FromSeconds(4.999));
        Assert.False(running.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await running.Within();

        Assert.Equal(DisconnectReason.HandshakeTimeout, result.Reason);
        Assert.Equal("no complete handshake within 5000 ms (still awaiting the peer's Hello)", result.Detail);
        Assert.Equal(0, time.ActiveTimers);
        // The silent side is told why before the connection closes.
        Assert.Equal(Frame.BodyOneofCase.Hello, (await server.ReceiveAsync().Within())!.BodyCase);
        Assert.Null(await server.ReceiveAsync().Within());
        Assert.Equal(DisconnectReason.HandshakeTimeout, (await server.Completion.Within()).Reason);
        await listener.DisposeAsync();
        await pair.AssertNoOpenConnectionsAsync();
    }

    [Fact]
    public async Task HandshakeRunner_cancellation_closes_the_connection_as_shutdown()
    {
        var pair = new TransportPair(TransportKind.InMemory);
        var (client, server, listener) = await FrameConnectionTests.ConnectAsync(pair);
        using var cancel = new CancellationTokenSource();

        var running = TestNodes.Runner(TestNodes.Config("b")).RunAsync(server, HandshakeRole.Acceptor, cancel.Token);
        await cancel.CancelAsync();
        var result = await running.Within();

        Assert.Equal(DisconnectReason.Shutdown, result.Reason);
        Assert.Null(await client.ReceiveAsync().Within());
        Assert.Equal(new ConnectionClosed(DisconnectReason.Shutdown, "peer closed the connection: handshake cancelled: the node is shutting down", ByPeer: true), await client.Completion.Within());
        await listener.DisposeAsync();
        await pair.AssertNoOpenConnectionsAsync();
    }

    [Fact]
    public async Task RemoteListener_closes_a_session_whose_callback_throws_and_logs_it()
    {
        var logs = new CapturingLoggerProvider();
        var pair = new TransportPair(TransportKind.InMemory);
        var listener = await RemoteListener.StartAsync(
            pair.Server, TransportPair.AnyPort, TestNodes.Runner(TestNodes.Config("server")),
            (_, _) => throw new InvalidOperationException("the host is not ready"),
            logger: logs.CreateLogger("listener"));

        var result = await new RemoteDialer(pair.Client, TestNodes.Runner(TestNodes.Config("client"))).ConnectAsync(listener.LocalAddress).Within();
        Assert.True(result.Succeeded);

        Assert.Null(await result.Session!.ReceiveAsync().Within());
        Assert.Equal("peer closed the connection: the node could not take the session", (await result.Session.Completion.Within()).Detail);
        var line = Assert.Single(logs.Find("the session callback failed for client#"));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, line.Level);
        await listener.DisposeAsync();
        await pair.AssertNoOpenConnectionsAsync();
    }
}

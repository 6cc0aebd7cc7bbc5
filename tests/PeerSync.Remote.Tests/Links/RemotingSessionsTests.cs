using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Tests.Transport;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// The remoting's set of open sessions: a session leaves it before anyone can see the session
/// completed, so <see cref="Remoting.OpenSessions"/> never counts a finished session.
/// </summary>
public sealed class RemotingSessionsTests
{
    [Fact]
    public async Task Remoting_forgets_a_session_before_a_waiter_sees_it_completed_when_its_connection_closes()
    {
        // The waiter registers on the session's completion before the remoting adopts it, and the
        // connection completes on one thread in registration order: a removal hung on the same
        // completion would run after the waiter, which would then count the finished session.
        await using var a = await RemoteTestNode.StartAsync(new TestNetwork(TransportKind.InMemory), "a");
        var pair = new TransportPair(TransportKind.InMemory);
        var (client, server, listener) = await FrameConnectionTests.ConnectAsync(pair);
        var held = new HeldCompletionConnection(client);
        var session = new PeerSession(held, a.Remoting.Identity, TestNodes.Identity("b"));
        var seen = session.Completion.ContinueWith(
            _ => a.Remoting.OpenSessions, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        Assert.True(a.Remoting.Adopt(session));
        Assert.Equal(1, a.Remoting.OpenSessions);
        session.Close(DisconnectReason.Shutdown, "test closes the session");
        await server.DisposeAsync();
        await held.ReleaseAsync();

        Assert.Equal(0, await seen.Within());
        Assert.Equal(0, a.Remoting.OpenSessions);
        await listener.DisposeAsync();
        await pair.AssertNoOpenConnectionsAsync();
    }

    [Fact]
    public async Task Remoting_counts_no_session_after_its_completion_is_awaited_when_real_connections_close()
    {
        // The same on real connections, which complete their waiters on the thread pool: with the
        // removal hung on the connection's completion, the waiter ran first in every round.
        await using var a = await RemoteTestNode.StartAsync(new TestNetwork(TransportKind.InMemory), "a");
        var stale = new List<int>();
        for (var round = 0; round < 20; round++)
        {
            var pair = new TransportPair(TransportKind.InMemory);
            var (client, server, listener) = await FrameConnectionTests.ConnectAsync(pair);
            var session = new PeerSession(client, a.Remoting.Identity, TestNodes.Identity("b"));
            Assert.True(a.Remoting.Adopt(session));

            session.Close(DisconnectReason.Shutdown, "test closes the session");
            var serverClosed = server.DisposeAsync().AsTask();
            await session.Completion.Within();
            if (a.Remoting.OpenSessions != 0)
            {
                stale.Add(round);
            }

            await serverClosed.Within();
            await listener.DisposeAsync();
            await pair.AssertNoOpenConnectionsAsync();
        }

        Assert.True(stale.Count == 0, $"a finished session was still counted after rounds {string.Join(", ", stale)}");
    }

    [Fact]
    public async Task Remoting_holds_no_session_whose_connection_closed_before_it_was_adopted()
    {
        // Nothing calls back for a session that had completed already: Adopt forgets it itself.
        await using var a = await RemoteTestNode.StartAsync(new TestNetwork(TransportKind.InMemory), "a");
        var pair = new TransportPair(TransportKind.InMemory);
        var (client, server, listener) = await FrameConnectionTests.ConnectAsync(pair);
        client.Close(DisconnectReason.Shutdown, "test closes the connection");
        await server.DisposeAsync();
        await client.Completion.Within();
        var session = new PeerSession(client, a.Remoting.Identity, TestNodes.Identity("b"));

        Assert.True(a.Remoting.Adopt(session));

        Assert.Equal(0, a.Remoting.OpenSessions);
        Assert.Equal(DisconnectReason.Shutdown, (await session.Completion.Within()).Reason);
        await listener.DisposeAsync();
        await pair.AssertNoOpenConnectionsAsync();
    }

    [Fact]
    public async Task Remoting_shutdown_returns_with_no_session_held_when_it_had_to_wait_for_one_to_close()
    {
        // The session's connection completes only when the test releases it, after shutdown
        // closed it: shutdown waits for it, and by then the session has left the set.
        await using var a = await RemoteTestNode.StartAsync(new TestNetwork(TransportKind.InMemory), "a");
        var pair = new TransportPair(TransportKind.InMemory);
        var (client, server, listener) = await FrameConnectionTests.ConnectAsync(pair);
        var held = new HeldCompletionConnection(client);
        var session = new PeerSession(held, a.Remoting.Identity, TestNodes.Identity("b"));
        Assert.True(a.Remoting.Adopt(session));

        var stopping = a.Remoting.ShutdownAsync();
        await Eventually.TrueAsync(() => held.CloseReason is not null, "shutdown closed the session");
        await server.DisposeAsync();
        Assert.False(stopping.IsCompleted);
        await held.ReleaseAsync();
        await stopping.Within();

        Assert.Equal(0, a.Remoting.OpenSessions);
        Assert.Equal(new ConnectionClosed(DisconnectReason.Shutdown, "the node is shutting down", ByPeer: false), await session.Completion.Within());
        await listener.DisposeAsync();
        await pair.AssertNoOpenConnectionsAsync();
    }

    [Fact]
    public async Task PeerSession_refuses_a_second_owner_callback_when_one_is_registered()
    {
        var pair = new TransportPair(TransportKind.InMemory);
        var (client, server, listener) = await FrameConnectionTests.ConnectAsync(pair);
        var session = new PeerSession(client, TestNodes.Identity("a"), TestNodes.Identity("b"));
        var calls = 0;
        Assert.True(session.TryOnClosed(_ => calls++));

        var error = Assert.Throws<InvalidOperationException>(() => session.TryOnClosed(_ => calls += 10));

        Assert.Equal($"{session} already has an owner to tell when it closes", error.Message);
        await Task.WhenAll(session.DisposeAsync().AsTask(), server.DisposeAsync().AsTask()).Within();
        await session.Completion.Within();
        Assert.Equal(1, calls);
        Assert.False(session.TryOnClosed(_ => calls += 100));
        Assert.Equal(1, calls);
        await listener.DisposeAsync();
        await pair.AssertNoOpenConnectionsAsync();
    }
}

using PeerSync.Remote.Links;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Tests.Transport;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// The hand-off of sessions (here, dialed ones) to a link's actor: a session the actor never took is closed when
/// the actor stops for good, and one taken is left to the actor.
/// </summary>
public sealed class SessionHandOffTests
{
    [Fact]
    public async Task SessionHandOff_closes_a_session_left_for_the_link_when_the_link_stops_before_taking_it()
    {
        // The outcome was told, but the actor stopped before handling it (it became a dead letter).
        await using var dial = await Dial.StartAsync();
        var handOff = new SessionHandOff("dial");
        Assert.True(handOff.TryLeave(1, dial.Session));

        handOff.Close("the link to b stopped before its dial completed");

        Assert.Equal(new ConnectionClosed(DisconnectReason.Shutdown, "the link to b stopped before its dial completed", ByPeer: false), await dial.Session.Completion.Within());
    }

    [Fact]
    public async Task SessionHandOff_closes_a_session_itself_when_it_is_left_after_the_link_stopped()
    {
        await using var dial = await Dial.StartAsync();
        var handOff = new SessionHandOff("dial");
        handOff.Close("the link to b stopped before its dial completed");

        Assert.False(handOff.TryLeave(1, dial.Session));

        Assert.Equal(new ConnectionClosed(DisconnectReason.Shutdown, "the link to b stopped before its dial completed", ByPeer: false), await dial.Session.Completion.Within());
    }

    [Fact]
    public async Task SessionHandOff_leaves_a_taken_session_open_when_the_link_stops_afterwards()
    {
        // Once taken, the session is the link's: its own stop closes it (ReleaseSessions), not the hand-off.
        await using var dial = await Dial.StartAsync();
        var handOff = new SessionHandOff("dial");
        Assert.True(handOff.TryLeave(1, dial.Session));
        handOff.Take(1);

        handOff.Close("the link to b stopped before its dial completed");

        Assert.Null(dial.Session.Connection.CloseReason);
    }

    [Fact]
    public async Task SessionHandOff_closes_the_session_of_a_failed_message_and_leaves_the_others_when_the_link_restarts()
    {
        // The restarted actor never receives the message whose handling failed (1); it does receive 2.
        await using var failed = await Dial.StartAsync();
        await using var queued = await Dial.StartAsync();
        var handOff = new SessionHandOff("offer");
        Assert.True(handOff.TryLeave(1, failed.Session));
        Assert.True(handOff.TryLeave(2, queued.Session));

        handOff.Abandon(1, "the link to b failed and restarts before it took the session offered to it: boom");

        Assert.Equal(new ConnectionClosed(DisconnectReason.Shutdown, "the link to b failed and restarts before it took the session offered to it: boom", ByPeer: false), await failed.Session.Completion.Within());
        Assert.Null(queued.Session.Connection.CloseReason);
        handOff.Take(2);
        handOff.Close("the link to b stopped before it took the session offered to it");
        Assert.Null(queued.Session.Connection.CloseReason);
    }

    [Fact]
    public async Task SessionHandOff_leaves_a_taken_session_open_when_its_message_failed_afterwards()
    {
        // Taken, the session is the link's own: the restart closes it with the link's other sessions.
        await using var dial = await Dial.StartAsync();
        var handOff = new SessionHandOff("dial");
        Assert.True(handOff.TryLeave(3, dial.Session));
        handOff.Take(3);

        handOff.Abandon(3, "the link to b failed and restarts before it took the session of dial 3: boom");

        Assert.Null(dial.Session.Connection.CloseReason);
    }

    [Fact]
    public async Task SessionHandOff_closes_a_session_saying_why_when_its_dial_number_was_used_before()
    {
        await using var first = await Dial.StartAsync();
        await using var second = await Dial.StartAsync();
        var handOff = new SessionHandOff("dial");
        Assert.True(handOff.TryLeave(7, first.Session));

        Assert.False(handOff.TryLeave(7, second.Session));

        Assert.Equal("invariant violated: dial 7 handed over twice", (await second.Session.Completion.Within()).Detail);
        Assert.Null(first.Session.Connection.CloseReason);
    }

    /// <summary>A session over an in-memory connection, as a dial establishes it; disposing closes both ends.</summary>
    private sealed class Dial : IAsyncDisposable
    {
        private readonly TransportPair _pair;
        private readonly IFrameConnection _server;
        private readonly ITransportListener _listener;

        private Dial(TransportPair pair, PeerSession session, IFrameConnection server, ITransportListener listener)
        {
            _pair = pair;
            Session = session;
            _server = server;
            _listener = listener;
        }

        public PeerSession Session { get; }

        public static async Task<Dial> StartAsync()
        {
            var pair = new TransportPair(TransportKind.InMemory);
            var (client, server, listener) = await FrameConnectionTests.ConnectAsync(pair);
            return new Dial(pair, new PeerSession(client, TestNodes.Identity("a"), TestNodes.Identity("b")), server, listener);
        }

        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(Session.DisposeAsync().AsTask(), _server.DisposeAsync().AsTask()).Within();
            await _listener.DisposeAsync();
            await _pair.AssertNoOpenConnectionsAsync();
        }
    }
}

using PeerSync.Actors;
using PeerSync.Remote.Configuration;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Links;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// A session offered to a link whose actor is stopping for good: the links actor has not yet seen
/// the link's Terminated and tells it the handshaken session, which it will never handle. The
/// session must be closed, not left open in a dead letter.
/// </summary>
public sealed class LinkStoppedOfferTests
{
    /// <summary>
    /// Regression: the offer became a dead letter with nobody to close its session, which stayed open
    /// (counted by the remoting, with b's link taking it as a's) until b's heartbeat timeout, here
    /// longer than the test. a's dispatcher is paused while the stop and the offer are queued, so the
    /// links actor handles the offer before the link's Terminated (which the link's stop queues behind
    /// it), and the link stops without handling it, as when b's dial-in is adopted while the link is
    /// stopping. The session is one a dialed and adopted by hand, standing in for b's dial-in (the
    /// real dial-in passes through a's remoting actor first, which would make the order a race).
    /// </summary>
    [Fact]
    public async Task Link_offer_closes_its_session_when_the_link_stops_before_handling_it()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        var dispatcher = new PausableDispatcher();
        await using var a = await RemoteTestNode.StartAsync(network, "a", Patient, dispatcher: dispatcher);
        await using var b = await RemoteTestNode.StartAsync(network, "b", Patient);
        var linksPath = ActorPath.Parse(a.Remoting.Address + "/system/remote/links");
        await Eventually.TrueAsync(() => a.System.ResolveLocal(linksPath) is not null, "/system/remote/links started");
        var links = a.System.ResolveLocal(linksPath)!;
        // A link that knows no address: it dials nothing and waits for b.
        links.Tell(new EnsureLink(b.Id, null), null);
        var linkPath = ActorPath.Parse(a.Remoting.Address + "/system/remote/links/b");
        await Eventually.TrueAsync(() => a.System.ResolveLocal(linkPath) is not null, "a's link to b created");
        var link = a.System.ResolveLocal(linkPath)!;
        var watcher = a.CreateProbe();
        watcher.Watch(link);
        var dialed = await new RemoteDialer(network.CreateTransport(RemoteTestNode.Options(), a.System.LoggerFactory, a.Endpoint), new HandshakeRunner(
            new HandshakeConfig(TestNodes.Cluster, a.Remoting.Identity, TestNodes.Secret, 1024 * 1024))).ConnectAsync(b.Endpoint).Within();
        Assert.True(dialed.Succeeded, dialed.ToString());
        var session = dialed.Session!;
        Assert.True(a.Remoting.Adopt(session));

        await dispatcher.PauseAsync();
        a.System.Stop(link);
        links.Tell(new OfferSession(session, DialedBySelf: false), null);
        dispatcher.Resume();

        watcher.ExpectTerminated(link);
        const string Detail = "the link to b stopped before it took the session offered to it";
        var closed = await session.Completion.Within();
        Assert.Equal(new ConnectionClosed(DisconnectReason.Shutdown, Detail, ByPeer: false), closed);
        await Eventually.TrueAsync(
            () => b.Logs.Entries.Any(e => e.Message.Contains(Detail, StringComparison.Ordinal)),
            "b to see a close the offered session, saying why",
            () => string.Join("\n", b.Logs.Entries));
        await Eventually.TrueAsync(() => a.Remoting.OpenSessions == 0, "a to hold no session", () => $"{a.Remoting.OpenSessions} open");
        Assert.All(
            a.DeadLetters.Select(d => d.Message).OfType<OfferSession>(),
            offer => Assert.NotNull(offer.Session.Connection.CloseReason));
    }

    /// <summary>No handshake and no heartbeat timeout within a test: only a close ends the session.</summary>
    private static void Patient(RemoteOptions options)
    {
        options.HandshakeTimeout = TimeSpan.FromMinutes(5);
        options.Link.HeartbeatTimeout = TimeSpan.FromMinutes(5);
    }
}

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
/// A session offered to a link whose actor fails while handling that offer, before it took the
/// session from its offers hand-off, and restarts: the restarted instance never receives the failed
/// message again, so the session must be closed by the restart, not left open until the link stops
/// for good (docs/design/remote-links.md, "Link supervision").
/// </summary>
public sealed class LinkFailedOfferTests
{
    /// <summary>An address no node listens on.</summary>
    private static readonly Remote.Addressing.EndpointAddress Nowhere = new("127.0.0.1", 9);

    /// <summary>
    /// Regression: the session stayed in the hand-off, open (counted by the remoting, with b's link
    /// taking it as a's) until b's heartbeat timeout, here longer than the test. The fault is the
    /// link's own invariant check, as in the supervision tests: the link is told a connect numbered
    /// far ahead of the links actor's count, so the next offer the links actor numbers fails it.
    /// The session is one a dialed and adopted by hand, standing in for b's dial-in.
    /// </summary>
    [Fact]
    public async Task Link_offer_closes_its_session_when_the_link_fails_handling_it_and_restarts()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a", Patient);
        await using var b = await RemoteTestNode.StartAsync(network, "b", Patient);
        await Eventually.TrueAsync(() => a.System.ResolveLocal(ActorPath.Parse(a.Remoting.Address + "/system/remote/links")) is not null, "/system/remote/links started");
        a.Links.Tell(new EnsureLink(b.Id, null), null);
        await Eventually.TrueAsync(() => a.System.ResolveLocal(ActorPath.Parse($"{a.Remoting.Address}/system/remote/links/{b.Id}")) is not null, "a's link to b created");
        var link = a.LinkTo(b.Id);
        try
        {
            link.Tell(new ConnectLink(Nowhere) { Wake = new WakeSeq(100) }, null);
            await link.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(30));
            var dialed = await new RemoteDialer(network.CreateTransport(RemoteTestNode.Options(), a.System.LoggerFactory, a.Endpoint), new HandshakeRunner(
                new HandshakeConfig(TestNodes.Cluster, a.Remoting.Identity, TestNodes.Secret, 1024 * 1024))).ConnectAsync(b.Endpoint).Within();
            Assert.True(dialed.Succeeded, dialed.ToString());
            var session = dialed.Session!;
            Assert.True(a.Remoting.Adopt(session));

            a.Links.Tell(new OfferSession(session, DialedBySelf: false), null);

            const string Detail = "the link to b failed and restarts before it took the session offered to it: invariant violated: wake 1 handled after wake 100; the links actor numbers wakes in order";
            var closed = await session.Completion.Within();
            Assert.Equal(new ConnectionClosed(DisconnectReason.Shutdown, Detail, ByPeer: false), closed);
            await Eventually.TrueAsync(() => a.Remoting.OpenSessions == 0, "a to hold no session", () => $"{a.Remoting.OpenSessions} open");
            // The same actor, restarted: it still answers.
            Assert.Equal(link, (await link.Ask<ActorIdentity>(new Identify(2), TimeSpan.FromSeconds(30))).Subject);
        }
        finally
        {
            // The link handled a wake the links actor never sent: a stop report of it would break the
            // links actor's own check at shutdown. Stopped for good, the link is forgotten instead.
            var watcher = a.CreateProbe();
            watcher.Watch(link);
            a.System.Stop(link);
            watcher.ExpectTerminated(link);
        }
    }

    /// <summary>
    /// No handshake or heartbeat timeout within a test: only a close ends the session. b does not
    /// redial a when the session closes: its dial-in would be offered to a's link and fail it again.
    /// </summary>
    private static void Patient(RemoteOptions options)
    {
        options.HandshakeTimeout = TimeSpan.FromMinutes(5);
        options.Link.HeartbeatTimeout = TimeSpan.FromMinutes(5);
        options.Link.ReconnectMinBackoff = TimeSpan.FromMinutes(1);
        options.Link.ReconnectMaxBackoff = TimeSpan.FromMinutes(1);
    }
}

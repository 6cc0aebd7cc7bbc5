using PeerSync.Actors;
using PeerSync.Remote.Configuration;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Links;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport.Faults;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// Dial attempt numbers last for the link's lifetime, across the machines its actor makes (after a
/// crash, or when a dormant link is woken): the completion of a dial an earlier machine started is
/// never taken for the current machine's own dial.
/// </summary>
public sealed class LinkDialAttemptTests
{
    /// <summary>An address no node listens on.</summary>
    private static readonly Remote.Addressing.EndpointAddress Nowhere = new("127.0.0.1", 9);

    /// <summary>
    /// Regression: a restarted link numbered its dials from 1 again, so the failure of the dial the
    /// failed instance had started, arriving while the new instance's own first dial was under way,
    /// read as that dial's failure: the link counted a failure that was not its own and, believing
    /// no dial under way, dialed again beside it (here on the connect that follows).
    /// </summary>
    [Fact]
    public async Task Link_ignores_the_failure_of_a_dial_from_before_a_crash_when_its_own_dial_is_under_way()
    {
        await using var nodes = await HangingDials.StartAsync();
        var link = await nodes.DialingLinkAsync();
        // A numbered wake (the links actor's connect), so that a connect without one crashes the link.
        nodes.Links.Tell(new EnsureLink(nodes.B.Id, nodes.B.Endpoint), null);
        await nodes.Links.Ask<ActorIdentity>(new Identify(0), TimeSpan.FromSeconds(30));

        link.Tell(new ConnectLink(Nowhere), null);

        await Eventually.TrueAsync(
            () => nodes.A.Logs.Entries.Any(e => e.Exception?.Message.StartsWith("invariant violated: wake 0 handled after wake ", StringComparison.Ordinal) == true),
            "the link to fail its invariant check and restart",
            () => string.Join("\n", nodes.A.Logs.Entries));
        await nodes.AssertStaleFailureIgnoredAsync(link);
    }

    /// <summary>
    /// Regression: a dormant link woken again numbered its dials from 1 again, so the failure of a
    /// dial the stopped machine had started (stopped while dialing) read as the failure of the new
    /// machine's own first dial, with the same consequences as after a crash.
    /// </summary>
    [Fact]
    public async Task Link_ignores_the_failure_of_a_dial_from_before_it_stopped_when_a_wake_dials_again()
    {
        await using var nodes = await HangingDials.StartAsync();
        var link = await nodes.DialingLinkAsync();
        nodes.A.Remoting.Disconnect(nodes.B.Id, "disconnected by the test");
        await Eventually.TrueAsync(
            () => nodes.A.Remoting.Endpoints.Find(nodes.B.Id)?.ClosedReason == "disconnected by the test",
            "the link to stop while its dial is under way");

        nodes.Links.Tell(new EnsureLink(nodes.B.Id, nodes.B.Endpoint), null);

        await nodes.AssertStaleFailureIgnoredAsync(link);
    }

    /// <summary>
    /// a and b, where every dial from a to b stays under way for the whole test: b's frames are lost
    /// (blackhole) and handshakes time out after five minutes, so each dial is one connection opened
    /// by a's transport (b never dials a) and no dial completes unless the test says so.
    /// </summary>
    private sealed class HangingDials : IAsyncDisposable
    {
        private HangingDials(RemoteTestNode a, RemoteTestNode b, IActorRef links)
        {
            A = a;
            B = b;
            Links = links;
        }

        public RemoteTestNode A { get; }

        public RemoteTestNode B { get; }

        public IActorRef Links { get; }

        private long Dials => A.Remoting.Transport.Counters.OpenedConnections;

        public static async Task<HangingDials> StartAsync()
        {
            var faults = new FaultInjector(seed: 1);
            var network = new TestNetwork(TransportKind.InMemory, faults);
            var a = await RemoteTestNode.StartAsync(network, "a", SlowHandshakes);
            var b = await RemoteTestNode.StartAsync(network, "b", SlowHandshakes);
            faults.Blackhole(a.Endpoint, b.Endpoint);
            var linksPath = ActorPath.Parse(a.Remoting.Address + "/system/remote/links");
            await Eventually.TrueAsync(() => a.System.ResolveLocal(linksPath) is not null, "/system/remote/links started");
            return new HangingDials(a, b, a.System.ResolveLocal(linksPath)!);
        }

        /// <summary>Creates a's link to b (with b's address, as for a known node); it dials once, and that dial hangs.</summary>
        public async Task<IActorRef> DialingLinkAsync()
        {
            Links.Tell(new EnsureLink(B.Id, B.Endpoint), null);
            await Eventually.TrueAsync(() => Dials == 1, "a's link to dial b");
            return A.LinkTo(B.Id);
        }

        /// <summary>
        /// The link's new machine dials (a second connection); then the first machine's dial reports
        /// its failure, told by hand as its handshake timeout would report it, and a connect follows.
        /// A link that took that failure for its own dial would have no dial under way and dial again.
        /// </summary>
        public async Task AssertStaleFailureIgnoredAsync(IActorRef link)
        {
            await Eventually.TrueAsync(() => Dials == 2, "the link's new machine to dial b", () => A.Remoting.Transport.Counters.ToString());
            var timedOut = new HandshakeResult(null, HandshakeOutcome.Rejected(DisconnectReason.HandshakeTimeout, "the earlier machine's dial timed out"), null);

            link.Tell(new DialCompleted(1, B.Endpoint, timedOut), null);
            Links.Tell(new EnsureLink(B.Id, B.Endpoint), null);

            // The links actor has passed the connect on once it answers; the link has handled the
            // failure and the connect once it answers (a dial starts, and opens its connection,
            // while the link handles the message that asks for it).
            await Links.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(30));
            await link.Ask<ActorIdentity>(new Identify(2), TimeSpan.FromSeconds(30));
            Assert.Equal(2, Dials);
            Assert.DoesNotContain(A.Logs.Entries, e => e.Message.Contains("the earlier machine's dial timed out", StringComparison.Ordinal));
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await B.DisposeAsync();
            }
            finally
            {
                await A.DisposeAsync();
            }
        }

        /// <summary>No handshake gives up within a test: a dial to b completes only when the test says so.</summary>
        private static void SlowHandshakes(RemoteOptions options) => options.HandshakeTimeout = TimeSpan.FromMinutes(5);
    }
}

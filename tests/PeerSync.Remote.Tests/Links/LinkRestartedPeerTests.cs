using System.Collections.Concurrent;
using PeerSync.Actors;
using PeerSync.Remote.Links;
using PeerSync.Remote.PeerState;
using PeerSync.Remote.Refs;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport.Faults;
using PeerSync.TestKit;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// A link that meets a restarted peer (a new incarnation) in a machine made after the one that knew
/// the old incarnation (a dormant link woken again, a link restarted after a crash, a link made anew
/// after its actor was stopped for good) quarantines the old incarnation as a long-lived machine does: its watchers get Terminated, what is told to it is a
/// `quarantined:` dead letter, and PeerQuarantined is published once (docs/design/remote-links.md,
/// "Which session wins"). b never redials a on its own in these tests (its backoff is a minute).
/// </summary>
public sealed class LinkRestartedPeerTests
{
    /// <summary>An address no node listens on.</summary>
    private static readonly Remote.Addressing.EndpointAddress Nowhere = new("127.0.0.1", 9);

    /// <summary>
    /// Regression: a dormant link woken again (by a connect, or by the restarted peer dialing in)
    /// started a machine that knew no previous incarnation, so b#1 was never quarantined: its
    /// watchers heard nothing, and only the association's replaced-incarnation check kept what was
    /// told to it from b#2.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Link_woken_from_dormant_quarantines_the_previous_incarnation_when_it_meets_a_restarted_peer(bool wokenByDialIn)
    {
        await using var nodes = await RestartedPeer.StartAsync();
        nodes.A.Remoting.Disconnect(nodes.B1.Id, "disconnected by the test");
        await Eventually.TrueAsync(() => nodes.A.Remoting.PeerStates.StateOf(nodes.B1.Id) == PeerLinkState.Disconnected, "a's link to b1 stopped");
        var b2 = await nodes.RestartBAsync();

        if (wokenByDialIn)
        {
            b2.Remoting.Connect(nodes.A.Endpoint);
        }
        else
        {
            nodes.A.Remoting.Connect(b2.Endpoint);
        }

        await nodes.AssertOldIncarnationQuarantinedAsync();
    }

    /// <summary>
    /// Regression: a link restarted after a crash started a machine that knew no previous
    /// incarnation, so meeting b#2 did not quarantine b#1. The crash comes while b is down (a's dials
    /// to its address are refused), so the failed instance's machine never meets b#2.
    /// </summary>
    [Fact]
    public async Task Link_restarted_after_a_crash_quarantines_the_previous_incarnation_when_it_meets_a_restarted_peer()
    {
        await using var nodes = await RestartedPeer.StartAsync();
        nodes.Faults.Refuse(nodes.A.Endpoint, nodes.B1.Endpoint, FaultDirection.FirstToSecond);
        await nodes.StopB1Async();
        await Eventually.TrueAsync(() => nodes.A.Remoting.PeerStates.StateOf(nodes.B1.Id) == PeerLinkState.Connecting, "a's link to see b1 go");
        var link = nodes.Link;

        // Crashes the link: a connect without a wake number, after the wake of a's first connect.
        link.Tell(new ConnectLink(Nowhere), null);

        await Eventually.TrueAsync(() => Crashed(nodes.A), "the link to fail its invariant check and restart", () => string.Join("\n", nodes.A.Logs.Entries));
        await link.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(30));
        var b2 = await nodes.RestartBAsync();
        nodes.Faults.Heal(nodes.A.Endpoint, b2.Endpoint);
        nodes.A.Remoting.Connect(b2.Endpoint);

        await nodes.AssertOldIncarnationQuarantinedAsync();
    }

    /// <summary>
    /// A node removed from the cluster is quarantined by the removal; the link, woken later by a
    /// connect, meets the next incarnation in a new machine and quarantines the removed one again,
    /// which changes nothing: PeerQuarantined is published once, with the removal's reason.
    /// </summary>
    [Fact]
    public async Task Link_woken_after_a_node_removal_publishes_PeerQuarantined_once_when_it_meets_a_restarted_peer()
    {
        await using var nodes = await RestartedPeer.StartAsync();
        nodes.A.Remoting.NodeRemoved(nodes.B1.Node);
        await Eventually.TrueAsync(() => nodes.A.Remoting.PeerStates.StateOf(nodes.B1.Id) == PeerLinkState.Disconnected, "a's link to b1 stopped");
        Assert.True(nodes.Watcher.ExpectTerminated(nodes.OldTarget).AddressTerminated);
        var b2 = await nodes.RestartBAsync();

        nodes.A.Remoting.Connect(b2.Endpoint);

        await nodes.AssertConnectedToB2Async();
        await nodes.Link.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(30));
        var quarantined = Assert.Single(nodes.Quarantined);
        Assert.Equal(new PeerQuarantined(nodes.B1.Node, "removed from the cluster"), quarantined);
        nodes.AssertMessagesReachB2AndNotB1($"quarantined: incarnation {nodes.B1.Node} is quarantined");
    }

    /// <summary>
    /// Regression: a link whose actor was stopped for good (it failed more than its restart budget
    /// allows) is made anew, and the new link knew no previous incarnation, so meeting b#2 did not
    /// quarantine b#1: its watchers heard nothing, and only the association's replaced-incarnation
    /// check refused what was told to it. The new link starts knowing the incarnation the association
    /// last activated. Eleven crashes in a row spend the budget of ten a minute.
    /// </summary>
    [Fact]
    public async Task Link_made_anew_after_its_actor_was_stopped_quarantines_the_previous_incarnation_when_it_meets_a_restarted_peer()
    {
        await using var nodes = await RestartedPeer.StartAsync();
        nodes.Faults.Refuse(nodes.A.Endpoint, nodes.B1.Endpoint, FaultDirection.FirstToSecond);
        await nodes.StopB1Async();
        var link = nodes.Link;
        var deaths = nodes.A.CreateProbe();
        deaths.Watch(link);

        for (var i = 0; i < 11; i++)
        {
            link.Tell(new ConnectLink(Nowhere), null);
        }

        deaths.ExpectTerminated(link);
        // The links actor forgot the link (its Terminated handled) once it closed the association.
        await Eventually.TrueAsync(
            () => nodes.A.Remoting.Endpoints.Find(nodes.B1.Id)?.ClosedReason == "the link actor failed repeatedly and was stopped",
            "the links actor to drop the stopped link");
        Assert.False(nodes.A.Remoting.IsQuarantined(nodes.B1.Node), "stopping the link quarantines nothing");
        var b2 = await nodes.RestartBAsync();
        nodes.Faults.Heal(nodes.A.Endpoint, b2.Endpoint);
        nodes.A.Remoting.Connect(b2.Endpoint);

        await nodes.AssertOldIncarnationQuarantinedAsync();
        Assert.NotEqual(link, nodes.Link);
    }

    /// <summary>The link's own invariant check failed on a connect told to it without a wake number (wake 0).</summary>
    private static bool Crashed(RemoteTestNode node) =>
        node.Logs.Entries.Any(e => e.Exception?.Message.StartsWith("invariant violated: wake 0 handled after wake ", StringComparison.Ordinal) == true);

    /// <summary>b redials only after a minute: within a test it never redials a.</summary>
    private static void SlowRedial(Remote.Configuration.RemoteOptions options)
    {
        options.Link.ReconnectMinBackoff = TimeSpan.FromMinutes(1);
        options.Link.ReconnectMaxBackoff = TimeSpan.FromMinutes(1);
    }

    /// <summary>
    /// a connected to b#1, with a watch on b#1's /user/target, a ref bound to b#1's /user/inbox that
    /// delivered one message (b#1 acknowledged both), and the PeerQuarantined events a publishes.
    /// </summary>
    private sealed class RestartedPeer : IAsyncDisposable
    {
        private readonly ConcurrentQueue<PeerQuarantined> _quarantined = new();
        private readonly IDisposable _subscription;
        private bool _b1Stopped;
        private RemoteTestNode? _b2;
        private TestProbe? _inbox2;

        private RestartedPeer(FaultInjector faults, RemoteTestNode a, RemoteTestNode b1)
        {
            Faults = faults;
            A = a;
            B1 = b1;
            _subscription = a.System.EventStream.Subscribe<PeerQuarantined>(_quarantined.Enqueue);
        }

        public FaultInjector Faults { get; }

        public RemoteTestNode A { get; }

        public RemoteTestNode B1 { get; }

        public RemoteTestNode B2 => _b2 ?? throw new InvalidOperationException("b has not restarted yet");

        public TestProbe Watcher { get; private set; } = null!;

        /// <summary>a's ref to b#1's /user/target, which <see cref="Watcher"/> watches.</summary>
        public IActorRef OldTarget { get; private set; } = null!;

        /// <summary>a's ref to b#1's /user/inbox, bound to b#1 by its first message.</summary>
        public RemoteActorRef OldInbox { get; private set; } = null!;

        public IReadOnlyCollection<PeerQuarantined> Quarantined => _quarantined.ToArray();

        public IActorRef Link => A.LinkTo(B1.Id);

        public static async Task<RestartedPeer> StartAsync()
        {
            var faults = new FaultInjector(seed: 1);
            var network = new TestNetwork(TransportKind.InMemory, faults);
            var a = await RemoteTestNode.StartAsync(network, "a");
            a.System.WithTestMessages();
            var b1 = await RemoteTestNode.StartAsync(network, "b", SlowRedial, incarnation: 1);
            var nodes = new RestartedPeer(faults, a, b1);
            await nodes.ConnectToB1Async();
            return nodes;
        }

        /// <summary>b#1 shuts down (once).</summary>
        public async Task StopB1Async()
        {
            if (!_b1Stopped)
            {
                _b1Stopped = true;
                await B1.DisposeAsync();
            }
        }

        /// <summary>
        /// Replaces b#1 (stopped here unless it was already) by b#2 on its port, ready (test messages,
        /// inbox, target) before a connects to it.
        /// </summary>
        public async Task<RemoteTestNode> RestartBAsync()
        {
            var port = B1.Endpoint.Port;
            await StopB1Async();
            _b2 = await RemoteTestNode.StartAsync(A.Network, "b", SlowRedial, incarnation: 2, port: port);
            _b2.System.WithTestMessages();
            _inbox2 = _b2.CreateInbox();
            _b2.System.ActorOf(Props.Create(() => new EchoActor()), "target");
            return _b2;
        }

        /// <summary>What a link that met b#2 must have done to b#1, and then that it works with b#2.</summary>
        public async Task AssertOldIncarnationQuarantinedAsync()
        {
            var terminated = Watcher.ExpectTerminated(OldTarget, TimeSpan.FromSeconds(10));
            Assert.True(terminated.AddressTerminated);
            await AssertConnectedToB2Async();
            Assert.True(A.Remoting.IsQuarantined(B1.Node));
            // Everything the link does on meeting b#2 is done once it answers.
            await Link.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(30));
            var quarantined = Assert.Single(Quarantined);
            Assert.Equal(new PeerQuarantined(B1.Node, $"the peer restarted as incarnation {B2.Node.Incarnation}"), quarantined);
            AssertMessagesReachB2AndNotB1($"quarantined: incarnation {B1.Node} is quarantined");
        }

        /// <summary>
        /// a says Connected to b#2 and its association has activated the session (the state is
        /// published first): a ref resolved from now on is bound to b#2, never to b#1.
        /// </summary>
        public Task AssertConnectedToB2Async() => Eventually.TrueAsync(
            () => A.Remoting.PeerStates.Get(B1.Id) is { State: PeerLinkState.Connected } status && status.Node == B2.Node
                && A.Remoting.IsLinkActive(B1.Id) && A.Remoting.Endpoints.Find(B1.Id)?.Current?.Node == B2.Node,
            "a connected to b2",
            () => string.Join("\n", A.Logs.Entries));

        /// <summary>
        /// A message told through the ref bound to b#1 is dead-lettered with <paramref name="reason"/>,
        /// the ones told to b#2 around it arrive in order, and the link stays connected.
        /// </summary>
        public void AssertMessagesReachB2AndNotB1(string reason)
        {
            var newInbox = A.RefTo(B2, "/user/inbox");

            newInbox.Tell(new Ping(2), null);
            OldInbox.Tell(new Ping(3), null);
            newInbox.Tell(new Ping(4), null);

            var letter = Assert.Single(A.DeadLetters, d => d.Message is Ping);
            Assert.Equal(new Ping(3), letter.Message);
            Assert.Equal(reason, letter.Reason);
            Assert.Equal(new Ping(2), _inbox2!.ExpectMsg<Ping>());
            Assert.Equal(new Ping(4), _inbox2.ExpectMsg<Ping>());
            Assert.True(A.Remoting.IsLinkActive(B2.Id));
            Assert.Equal(PeerLinkState.Connected, A.Remoting.PeerStates.StateOf(B2.Id));
            Assert.Empty(B2.DeadLetters);
        }

        public async ValueTask DisposeAsync()
        {
            _subscription.Dispose();
            try
            {
                await StopB1Async();
                if (_b2 is not null)
                {
                    await _b2.DisposeAsync();
                }
            }
            finally
            {
                await A.DisposeAsync();
            }
        }

        private async Task ConnectToB1Async()
        {
            B1.System.WithTestMessages();
            var inbox1 = B1.CreateInbox();
            B1.System.ActorOf(Props.Create(() => new EchoActor()), "target");
            A.Remoting.Connect(B1.Endpoint);
            await Eventually.TrueAsync(() => A.Remoting.PeerStates.IsAvailable(B1.Id), "a connected to b1");
            OldInbox = (RemoteActorRef)A.RefTo(B1, "/user/inbox");
            OldInbox.Tell(new Ping(1), null);
            Assert.Equal(new Ping(1), inbox1.ExpectMsg<Ping>());
            Assert.Equal(B1.Node, OldInbox.Node);
            Watcher = A.CreateProbe();
            OldTarget = A.RefTo(B1, "/user/target");
            Watcher.Watch(OldTarget);
            await Eventually.TrueAsync(() => B1.Remoting.Watcher.InboundCount == 1, "the watch reached b1");
            // Acknowledged too: nothing a lets go of when b#1 goes (removed, shut down) can be a dead letter.
            await Eventually.TrueAsync(() => A.Remoting.BufferedMessages(B1.Id) == 0, "b1 to acknowledge the message and the watch");
        }
    }
}

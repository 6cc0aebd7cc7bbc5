using PeerSync.Actors;
using PeerSync.Remote.Endpoints;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Links;
using PeerSync.Remote.PeerState;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport;
using PeerSync.Remote.Transport.Faults;
using PeerSync.TestKit;

namespace PeerSync.Remote.Tests.Links;

/// <summary>The links actor's count of dormant links, and the shutdown answer that depends on it.</summary>
public sealed class LinkSupervisionTests
{
    /// <summary>An address no node listens on.</summary>
    private static readonly Remote.Addressing.EndpointAddress Nowhere = new("127.0.0.1", 9);

    /// <summary>
    /// Regression: a link's stop report overtaken by a wake (a dial-in offered to the link after it
    /// stopped, before its report arrived) counted the running link dormant, so AllLinksStopped was
    /// answered at once while that link still flushed, and shutdown closed under it. Here the late
    /// report is sent by hand after the link was woken again.
    /// </summary>
    [Fact]
    public async Task AllLinksStopped_waits_for_a_running_link_when_its_stale_LinkStopped_arrived()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        var inbox = b.CreateInbox();
        using var events = new StateLog(a);
        await WakeAfterStopAsync(a, b, events);
        var links = a.Links;
        var link = a.LinkTo(b.Id);
        links.Tell(new LinkStopped(b.Id, WakeSeq.None), link);
        var target = a.RefTo(b, "/user/inbox");
        for (var i = 0; i < 20; i++)
        {
            target.Tell(new Ping(i), null);
        }

        await links.Ask<AllLinksStopped>(new DisconnectAll("shutdown by the test"), TimeSpan.FromSeconds(30));

        // The link closed its association (after flushing) before it reported the stop that was counted.
        Assert.Equal("shutdown by the test", a.Remoting.Endpoints.Find(b.Id)!.ClosedReason);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(new Ping(i), inbox.ExpectMsg<Ping>());
        }

        Assert.Equal(0, a.DeadLetterCount(d => d.Message is Ping));
    }

    /// <summary>
    /// A link restarted after a crash still reports the last wake it handled: were it to count from
    /// zero again, its stop reports would all read as stale and AllLinksStopped would never come.
    /// The crash is the link's own invariant check (a connect told to it without a wake number).
    /// </summary>
    [Fact]
    public async Task AllLinksStopped_is_answered_when_a_woken_link_restarted_after_a_crash()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        // b must not redial: a session it offers would give the restarted link a fresh wake number.
        await using var b = await RemoteTestNode.StartAsync(network, "b", o =>
        {
            o.Link.ReconnectMinBackoff = TimeSpan.FromMinutes(1);
            o.Link.ReconnectMaxBackoff = TimeSpan.FromMinutes(1);
        });
        using var events = new StateLog(a);
        var linksPath = ActorPath.Parse(a.Remoting.Address + "/system/remote/links");
        await Eventually.TrueAsync(() => a.System.ResolveLocal(linksPath) is not null, "/system/remote/links started");
        var links = a.System.ResolveLocal(linksPath)!;
        // Created with b's address (as for a node already known), so the restarted link dials b itself.
        links.Tell(new EnsureLink(b.Id, b.Endpoint), null);
        await WakeAfterStopAsync(a, b, events);
        var link = a.LinkTo(b.Id);
        var connectedBefore = events.Count(s => s.State == PeerLinkState.Connected);

        link.Tell(new ConnectLink(b.Endpoint), null);

        await Eventually.TrueAsync(
            () => a.Logs.Entries.Any(e => e.Exception?.Message.StartsWith("invariant violated: wake 0 handled after wake ", StringComparison.Ordinal) == true),
            "the link to fail its invariant check and restart",
            () => string.Join("\n", a.Logs.Entries));
        await Eventually.TrueAsync(
            () => events.Count(s => s.State == PeerLinkState.Connected) > connectedBefore,
            "the restarted link to connect to b",
            () => string.Join("\n", events));

        await links.Ask<AllLinksStopped>(new DisconnectAll("shutdown by the test"), TimeSpan.FromSeconds(30));

        Assert.Equal("shutdown by the test", a.Remoting.Endpoints.Find(b.Id)!.ClosedReason);
    }

    /// <summary>
    /// Regression: a link created from the peer's dial-in (no address at creation) learns the peer's
    /// address from the handshake, but its restarted actor rebuilt the machine from the creation
    /// address only, so after a crash it waited for the peer to dial. Here b dials once and then
    /// only accepts (its redial backoff is a minute), so a reconnection can only be a's own dial, and
    /// a message a tells b after it arrives only once b has taken that session (b's link says
    /// Connected before the session carries anything).
    /// </summary>
    [Fact]
    public async Task Link_dials_the_peer_after_a_crash_when_it_learned_the_address_from_a_dial_in()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b", SlowRedial);
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        var inbox = b.CreateInbox();
        using var events = new StateLog(a);
        b.Remoting.Connect(a.Endpoint);
        await Eventually.TrueAsync(() => ConnectedEventSeen(a, b, events), "b dialed a", () => string.Join("\n", events));
        var link = a.LinkTo(b.Id);
        var connectedBefore = events.Count(s => s.State == PeerLinkState.Connected);

        // Crashes the link (wake 0 after wake 1). The address in it never reaches the machine, and
        // leads nowhere: the restarted link must dial the address it learned from b's handshake.
        link.Tell(new ConnectLink(Nowhere), null);

        await Eventually.TrueAsync(() => Crashed(a), "the link to fail its invariant check and restart", () => string.Join("\n", a.Logs.Entries));
        await Eventually.TrueAsync(
            () => events.Count(s => s.State == PeerLinkState.Connected) > connectedBefore,
            "the restarted link to dial b",
            () => string.Join("\n", events));
        a.RefTo(b, "/user/inbox").Tell(new Ping(1), null);
        Assert.Equal(new Ping(1), inbox.ExpectMsg<Ping>(timeout: TimeSpan.FromSeconds(10)));
        Assert.True(b.Remoting.PeerStates.IsAvailable(a.Id));
    }

    /// <summary>
    /// Regression: a restarted link numbered its sessions from 1 again, and the reader of the failed
    /// instance's active session reports that session's end to the link only once it has stopped,
    /// which can be after the restarted link activated its own first session. That report then read
    /// as the end of the new session (the same number), and the link closed it and went Connecting.
    /// The late report is told by hand once the restarted link is connected (its reader's own report
    /// usually comes before); session numbers now last for the link's lifetime, so it changes nothing.
    /// </summary>
    [Fact]
    public async Task Link_keeps_its_session_after_a_crash_when_the_failed_instances_session_end_arrives_late()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b", SlowRedial);
        using var events = new StateLog(a);
        b.Remoting.Connect(a.Endpoint);
        await Eventually.TrueAsync(() => ConnectedEventSeen(a, b, events), "b dialed a", () => string.Join("\n", events));
        var link = a.LinkTo(b.Id);
        link.Tell(new ConnectLink(Nowhere), null);
        await Eventually.TrueAsync(() => Crashed(a), "the link to fail its invariant check and restart", () => string.Join("\n", a.Logs.Entries));
        await Eventually.TrueAsync(
            () => events.Count(s => s.State == PeerLinkState.Connected) == 2,
            "the restarted link to dial b",
            () => string.Join("\n", events));

        // The first session the link had (number 1), ended as the failed instance's release ends it.
        link.Tell(new SessionEnded(1, new ConnectionClosed(DisconnectReason.Shutdown, "the link failed and restarts: by the test", ByPeer: false)), null);
        await link.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(30));

        Assert.DoesNotContain(events, s => s.Reason.StartsWith("session lost", StringComparison.Ordinal));
        Assert.Equal(PeerLinkState.Connected, events.Last().State);
        Assert.True(a.Remoting.IsLinkActive(b.Id));
    }

    /// <summary>
    /// Regression: a link that crashed while dormant restarted with a fresh, running machine (state
    /// Connecting, association open again) while the links actor still counted it dormant. It now
    /// restarts dormant, and a later connect wakes it as usual. Two Identify round trips after the
    /// crash make the check deterministic: a restarted running link queues its first state change
    /// (LinkStart) before the first Identify is handled, so it is carried out before the second.
    /// </summary>
    [Fact]
    public async Task Link_restarts_dormant_when_it_crashed_while_dormant()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b", SlowRedial);
        using var events = new StateLog(a);
        a.Remoting.Connect(b.Endpoint);
        await Eventually.TrueAsync(() => a.Remoting.PeerStates.IsAvailable(b.Id), "a connected to b");
        a.Remoting.Disconnect(b.Id, "disconnected by the test");
        await Eventually.TrueAsync(
            () => events.Any(s => s is { State: PeerLinkState.Disconnected, Reason: "disconnected by the test" }),
            "a's link to b stopped",
            () => string.Join("\n", events));
        var link = a.LinkTo(b.Id);

        link.Tell(new ConnectLink(Nowhere), null);

        await Eventually.TrueAsync(() => Crashed(a), "the dormant link to fail its invariant check and restart", () => string.Join("\n", a.Logs.Entries));
        await link.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(30));
        await link.Ask<ActorIdentity>(new Identify(2), TimeSpan.FromSeconds(30));
        Assert.Equal(PeerLinkState.Disconnected, a.Remoting.PeerStates.StateOf(b.Id));
        Assert.Equal("disconnected by the test", a.Remoting.Endpoints.Find(b.Id)!.ClosedReason);

        // Still a dormant link like any other: a connect wakes it, and shutdown waits for it to stop.
        a.Remoting.Connect(b.Endpoint);
        await Eventually.TrueAsync(() => a.Remoting.PeerStates.IsAvailable(b.Id), "a connected to b again");
        var links = a.Links;
        await links.Ask<AllLinksStopped>(new DisconnectAll("shutdown by the test"), TimeSpan.FromSeconds(30));
        Assert.Equal("shutdown by the test", a.Remoting.Endpoints.Find(b.Id)!.ClosedReason);
    }

    /// <summary>
    /// Regression: a link that crashed while disconnecting (its session closing, the stop not yet
    /// reported) restarted with a fresh machine that dialed the peer it was told to leave, and the
    /// links actor waited for its stop report until something disconnected it again. It now finishes
    /// the stop. a's dispatcher is paused while the disconnect and the crashing connect are queued, so
    /// the connect is handled after the disconnect and before the session's end is reported.
    /// </summary>
    [Fact]
    public async Task Link_finishes_the_stop_when_it_crashed_while_disconnecting()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        var dispatcher = new PausableDispatcher();
        await using var a = await RemoteTestNode.StartAsync(network, "a", dispatcher: dispatcher);
        await using var b = await RemoteTestNode.StartAsync(network, "b", SlowRedial);
        a.Remoting.Connect(b.Endpoint);
        await Eventually.TrueAsync(() => a.Remoting.PeerStates.IsAvailable(b.Id), "a connected to b");
        var link = a.LinkTo(b.Id);

        await dispatcher.PauseAsync();
        link.Tell(new DisconnectLink("disconnected by the test"), null);
        link.Tell(new ConnectLink(Nowhere), null);
        dispatcher.Resume();

        await Eventually.TrueAsync(() => Crashed(a), "the disconnecting link to fail its invariant check and restart", () => string.Join("\n", a.Logs.Entries));
        await link.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(30));
        await link.Ask<ActorIdentity>(new Identify(2), TimeSpan.FromSeconds(30));
        Assert.Equal(PeerLinkState.Disconnected, a.Remoting.PeerStates.StateOf(b.Id));
        Assert.Equal("disconnected by the test", a.Remoting.PeerStates.Get(b.Id)!.Reason);
        Assert.Equal("disconnected by the test", a.Remoting.Endpoints.Find(b.Id)!.ClosedReason);

        // Its stop report reached the links actor: the shutdown answer does not wait for it.
        var links = a.Links;
        await links.Ask<AllLinksStopped>(new DisconnectAll("shutdown by the test"), TimeSpan.FromSeconds(30));
        Assert.Equal("disconnected by the test", a.Remoting.Endpoints.Find(b.Id)!.ClosedReason);
    }

    /// <summary>
    /// A dormant link woken by the peer dialing in redials the peer by itself when that session is
    /// lost (here reset), and delivers what was told meanwhile. b dials once and then only accepts
    /// (its redial backoff is a minute), so the reconnection after the reset can only be a's own dial.
    /// </summary>
    [Fact]
    public async Task Link_woken_by_a_dial_in_redials_the_peer_when_that_session_is_lost()
    {
        var faults = new FaultInjector(seed: 4);
        var network = new TestNetwork(TransportKind.InMemory, faults);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b", SlowRedial);
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        var inbox = b.CreateInbox();
        using var events = new StateLog(a);
        a.Remoting.Connect(b.Endpoint);
        await Eventually.TrueAsync(() => a.Remoting.PeerStates.IsAvailable(b.Id), "a connected to b");
        a.Remoting.Disconnect(b.Id, "disconnected by the test");
        await Eventually.TrueAsync(
            () => events.Any(s => s is { State: PeerLinkState.Disconnected, Reason: "disconnected by the test" }),
            "a's link to b stopped",
            () => string.Join("\n", events));
        // b's link learns of the closed session on its own: a connect it handles while still connected
        // dials nothing, and then it would wait out its one-minute backoff.
        await Eventually.TrueAsync(() => b.Remoting.PeerStates.StateOf(a.Id) == PeerLinkState.Connecting, "b's link to see the session end");
        b.Remoting.Connect(a.Endpoint);
        await Eventually.TrueAsync(() => a.Remoting.PeerStates.IsAvailable(b.Id), "b's dial-in woke a's link");

        Assert.Equal(1, faults.Reset(a.Endpoint, b.Endpoint));
        a.RefTo(b, "/user/inbox").Tell(new Ping(1), null);

        Assert.Equal(new Ping(1), inbox.ExpectMsg<Ping>(timeout: TimeSpan.FromSeconds(10)));
        Assert.Empty(a.DeadLetters);
    }

    /// <summary>
    /// Regression: a dormant link woken by a dial-in started its machine without the peer's address.
    /// When that session was refused (its incarnation was quarantined after Remoting let the session
    /// through and before the link took it), the link stayed Connecting for good, with what was told
    /// to the peer buffered: it waited for the peer to dial instead of dialing its address to find
    /// the next incarnation. The offer is handed to the links actor by hand, as that race leaves it
    /// (a session that stands in for b's dial-in); b2 restarts on b1's port and never dials a, so
    /// only a's own dial can deliver the message.
    /// </summary>
    [Fact]
    public async Task Link_woken_by_a_refused_dial_in_dials_the_peer_and_delivers_to_its_next_incarnation()
    {
        var faults = new FaultInjector(seed: 1);
        var network = new TestNetwork(TransportKind.InMemory, faults);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        a.System.WithTestMessages();
        var b1 = await RemoteTestNode.StartAsync(network, "b", SlowRedial, incarnation: 1);
        var address = b1.Remoting.Address;
        using var events = new StateLog(a);
        a.Remoting.Connect(b1.Endpoint);
        await Eventually.TrueAsync(() => a.Remoting.PeerStates.IsAvailable(b1.Id), "a connected to b1");
        a.Remoting.Disconnect(b1.Id, "disconnected by the test");
        await Eventually.TrueAsync(
            () => events.Any(s => s is { State: PeerLinkState.Disconnected, Reason: "disconnected by the test" }),
            "a's link to b stopped",
            () => string.Join("\n", events));
        var dialed = await new RemoteDialer(network.CreateTransport(RemoteTestNode.Options(), a.System.LoggerFactory, a.Endpoint), new HandshakeRunner(
            new HandshakeConfig(TestNodes.Cluster, a.Remoting.Identity, TestNodes.Secret, 1024 * 1024))).ConnectAsync(b1.Endpoint).Within();
        Assert.True(dialed.Succeeded, dialed.ToString());
        a.Remoting.Quarantine(b1.Node, "downed by the test");
        var links = a.Links;
        var link = a.LinkTo(b1.Id);

        links.Tell(new OfferSession(dialed.Session!, DialedBySelf: false), null);
        // The links actor has passed the offer on once it answers, and the link has handled it once
        // it answers: it woke, refused the session, and its association takes messages again (for
        // b's next incarnation: the ref is resolved now, not bound to the quarantined one).
        await links.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(30));
        await link.Ask<ActorIdentity>(new Identify(2), TimeSpan.FromSeconds(30));
        a.System.ResolveActorRef(ActorPath.Parse(address + "/user/inbox"))!.Tell(new Ping(1), null);
        var (b2, inbox) = await RestartReadyAsync(faults, network, a, b1);
        await using var _ = b2;

        Assert.Equal(new Ping(1), inbox.ExpectMsg<Ping>(timeout: TimeSpan.FromSeconds(10)));
        Assert.Equal(0, a.DeadLetterCount(d => d.Message is Ping));
        Assert.Empty(b2.DeadLetters);
    }

    /// <summary>
    /// Regression: a link created from a dial-in started its machine without the peer's address. When
    /// its first session was refused (the incarnation was quarantined after Remoting let the session
    /// through and before the new link took it), it stayed Connecting for good, with what was told to
    /// the peer buffered. a's dispatcher is paused while the offer and the quarantine are queued, so
    /// the link is created and takes the session only after the quarantine, as in that race (a
    /// session a dialed stands in for b's dial-in). b2 restarts on b1's port and never dials a, so
    /// only a's own dial can deliver the message.
    /// </summary>
    [Fact]
    public async Task Link_created_by_a_refused_dial_in_dials_the_peer_and_delivers_to_its_next_incarnation()
    {
        var faults = new FaultInjector(seed: 1);
        var network = new TestNetwork(TransportKind.InMemory, faults);
        var dispatcher = new PausableDispatcher();
        await using var a = await RemoteTestNode.StartAsync(network, "a", dispatcher: dispatcher);
        a.System.WithTestMessages();
        var b1 = await RemoteTestNode.StartAsync(network, "b", SlowRedial, incarnation: 1);
        var address = b1.Remoting.Address;
        var dialed = await new RemoteDialer(network.CreateTransport(RemoteTestNode.Options(), a.System.LoggerFactory, a.Endpoint), new HandshakeRunner(
            new HandshakeConfig(TestNodes.Cluster, a.Remoting.Identity, TestNodes.Secret, 1024 * 1024))).ConnectAsync(b1.Endpoint).Within();
        Assert.True(dialed.Succeeded, dialed.ToString());

        await dispatcher.PauseAsync();
        a.Remoting.OfferSession(dialed.Session!, dialedBySelf: false);
        a.Remoting.Quarantine(b1.Node, "downed by the test");
        dispatcher.Resume();
        // Each answers after it has passed on (or handled) the offer and the quarantine queued before:
        // the remoting actor, the links actor (which created the link for the offer), and the link.
        await Identify(a, "/system/remote", 1);
        await Identify(a, "/system/remote/links", 2);
        await Identify(a, "/system/remote/links/b", 3);
        Assert.Equal(PeerLinkState.Connecting, a.Remoting.PeerStates.StateOf(b1.Id));
        a.System.ResolveActorRef(ActorPath.Parse(address + "/user/inbox"))!.Tell(new Ping(1), null);
        var (b2, inbox) = await RestartReadyAsync(faults, network, a, b1);
        await using var _ = b2;

        Assert.Equal(new Ping(1), inbox.ExpectMsg<Ping>(timeout: TimeSpan.FromSeconds(10)));
        Assert.Equal(0, a.DeadLetterCount(d => d.Message is Ping));
        Assert.Empty(b2.DeadLetters);
    }

    /// <summary>
    /// Replaces b1 by incarnation 2 on its port, ready (test messages, inbox) before a can reach it:
    /// b2 accepts connections as soon as it starts, so a's dials there are refused until then, or
    /// what a holds for b could arrive first and be dead letters on b2.
    /// </summary>
    private static async Task<(RemoteTestNode B2, TestProbe Inbox)> RestartReadyAsync(FaultInjector faults, TestNetwork network, RemoteTestNode a, RemoteTestNode b1)
    {
        faults.Refuse(a.Endpoint, b1.Endpoint, FaultDirection.FirstToSecond);
        await b1.DisposeAsync();
        var b2 = await RemoteTestNode.StartAsync(network, "b", SlowRedial, incarnation: 2, port: b1.Endpoint.Port);
        b2.System.WithTestMessages();
        var inbox = b2.CreateInbox();
        faults.Heal(a.Endpoint, b2.Endpoint);
        return (b2, inbox);
    }

    /// <summary>b redials only after a minute: within a test it dials once and then only accepts.</summary>
    private static void SlowRedial(Remote.Configuration.RemoteOptions options)
    {
        options.Link.ReconnectMinBackoff = TimeSpan.FromMinutes(1);
        options.Link.ReconnectMaxBackoff = TimeSpan.FromMinutes(1);
    }

    /// <summary>
    /// a says Connected to b and that state's event has reached <paramref name="events"/>: a query
    /// sees a new state just before its event is published, so a count of events taken when the
    /// query says Connected could miss that event.
    /// </summary>
    private static bool ConnectedEventSeen(RemoteTestNode a, RemoteTestNode b, StateLog events) =>
        a.Remoting.PeerStates.Get(b.Id) is { State: PeerLinkState.Connected } current && events.Any(s => s.Version == current.Version);

    /// <summary>One Identify round trip with the actor at <paramref name="path"/> on <paramref name="node"/>.</summary>
    private static Task<ActorIdentity> Identify(RemoteTestNode node, string path, int id) =>
        node.System.ResolveLocal(ActorPath.Parse(node.Remoting.Address + path))!.Ask<ActorIdentity>(new Identify(id), TimeSpan.FromSeconds(30));

    /// <summary>The link's own invariant check failed on a connect told to it without a wake number (wake 0).</summary>
    private static bool Crashed(RemoteTestNode node) =>
        node.Logs.Entries.Any(e => e.Exception?.Message.StartsWith("invariant violated: wake 0 handled after wake ", StringComparison.Ordinal) == true);

    /// <summary>Connects a to b, disconnects, and waits until the link is connected again: it has handled a numbered wake.</summary>
    private static async Task WakeAfterStopAsync(RemoteTestNode a, RemoteTestNode b, StateLog events)
    {
        a.Remoting.Connect(b.Endpoint);
        await Eventually.TrueAsync(() => a.Remoting.PeerStates.IsAvailable(b.Id), "a connected to b");
        a.Remoting.Disconnect(b.Id, "disconnected by the test");
        await Eventually.TrueAsync(
            () => events.Any(s => s is { State: PeerLinkState.Disconnected, Reason: "disconnected by the test" }),
            "a's link to b stopped",
            () => string.Join("\n", events));
        // Woken again (by this connect or by b redialing): the links actor has numbered that wake.
        a.Remoting.Connect(b.Endpoint);
        await Eventually.TrueAsync(() => a.Remoting.PeerStates.IsAvailable(b.Id), "a connected to b again");
    }

    /// <summary>The peer states a node publishes, in order, from its creation on.</summary>
    private sealed class StateLog : IEnumerable<PeerStatus>, IDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<PeerStatus> _states = new();
        private readonly IDisposable _subscription;

        public StateLog(RemoteTestNode node) =>
            _subscription = node.System.EventStream.Subscribe<PeerStateChanged>(e => _states.Enqueue(e.Current));

        public IEnumerator<PeerStatus> GetEnumerator() => _states.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public void Dispose() => _subscription.Dispose();
    }
}

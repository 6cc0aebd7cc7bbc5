using System.Text.Json;
using Google.Protobuf;
using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Links;
using PeerSync.Remote.Links.Wire;
using PeerSync.Remote.PeerState;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport.Faults;

namespace PeerSync.Remote.Tests.Links;

/// <summary>Links: one per peer, one session per link, replacement and restarts of peers.</summary>
public sealed class LinkLifecycleTests
{
    [Fact]
    public async Task Two_nodes_dialing_each_other_at_once_end_with_one_link_and_one_session()
    {
        for (var round = 0; round < 10; round++)
        {
            var network = new TestNetwork(TransportKind.Tcp);
            await using var a = await RemoteTestNode.StartAsync(network, "a");
            await using var b = await RemoteTestNode.StartAsync(network, "b");

            await Task.WhenAll(
                Task.Run(() => a.Remoting.Connect(b.Endpoint)),
                Task.Run(() => b.Remoting.Connect(a.Endpoint)));

            // Settled: every other connection (including dials still in their handshake) is gone.
            await Eventually.TrueAsync(
                () => a.Remoting.IsLinkActive(b.Id) && b.Remoting.IsLinkActive(a.Id)
                    && a.Remoting.OpenSessions == 1 && b.Remoting.OpenSessions == 1
                    && a.Remoting.Transport.Counters.OpenConnections == 1 && b.Remoting.Transport.Counters.OpenConnections == 1,
                "one session and one connection each");
            var onA = a.Remoting.Endpoints.Find(b.Id)!.ActiveSession!;
            var onB = b.Remoting.Endpoints.Find(a.Id)!.ActiveSession!;

            // Both ends use the same connection.
            Assert.NotEqual(onA.IsInbound, onB.IsInbound);
            var dialer = onA.IsInbound ? onB : onA;
            var acceptor = onA.IsInbound ? onA : onB;
            Assert.Equal(dialer.Connection.LocalEndpoint.Port, acceptor.Connection.RemoteEndpoint.Port);
            Assert.Equal(["b"], LinkNames(a));
            Assert.Equal(["a"], LinkNames(b));
        }
    }

    [Fact]
    public async Task A_peer_that_reconnects_has_its_old_session_closed_before_the_new_one_delivers_anything()
    {
        // b is connected to a. Then "b" (same node and incarnation, as after losing its side of the
        // connection) dials a again and sends a message on the new session: by the time a delivers
        // it, a has closed the old session.
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        // The real b must not redial (and replace the test's session) while the test runs.
        await using var b = await RemoteTestNode.StartAsync(network, "b", o =>
        {
            o.Link.ReconnectMinBackoff = TimeSpan.FromMinutes(1);
            o.Link.ReconnectMaxBackoff = TimeSpan.FromMinutes(1);
        });
        a.System.WithTestMessages();
        var onA = new List<PeerSession>();
        a.Remoting.SessionAdopted += s =>
        {
            lock (onA)
            {
                onA.Add(s);
            }
        };
        b.Remoting.Connect(a.Endpoint);
        await Eventually.TrueAsync(() => a.Remoting.IsLinkActive(b.Id), "a has a session with b");
        PeerSession old;
        lock (onA)
        {
            old = Assert.Single(onA);
        }

        var closedAtDelivery = new TaskCompletionSource<ConnectionClosedSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.System.ActorOf(Props.Create(() => new SnapshotActor(old, closedAtDelivery)), "inbox");
        var again = await new RemoteDialer(network.CreateTransport(RemoteTestNode.Options(), a.System.LoggerFactory), new HandshakeRunner(
            new HandshakeConfig(TestNodes.Cluster, b.Remoting.Identity, TestNodes.Secret, 1024 * 1024))).ConnectAsync(a.Endpoint).Within();
        Assert.True(again.Succeeded, again.ToString());
        await using var raw = again.Session!;

        raw.TrySend(Batch(a, "/user/inbox", new Ping(5)));

        var snapshot = await closedAtDelivery.Task.Within();
        Assert.NotNull(snapshot.Closed);
        Assert.Equal(DisconnectReason.Shutdown, snapshot.Closed!.Reason);
        Assert.Equal("replaced by a newer session with the same peer", snapshot.Closed.Detail);
    }

    public static TheoryData<TransportKind> RestartKinds => [TransportKind.InMemory, TransportKind.Tcp];

    [Theory]
    [MemberData(nameof(RestartKinds))]
    public async Task A_peer_restarted_with_a_new_incarnation_quarantines_the_old_one(TransportKind kind)
    {
        var network = new TestNetwork(kind);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        a.System.WithTestMessages();
        var quarantined = a.CreateProbe();
        a.System.EventStream.Subscribe<PeerQuarantined>(quarantined.Ref);
        var b1 = await RemoteTestNode.StartAsync(network, "b", incarnation: 1);
        var port = b1.Endpoint.Port;
        b1.System.WithTestMessages();
        var inbox1 = b1.CreateProbe();
        b1.System.ActorOf(Props.Create(() => new RelayActor(inbox1.Ref)), "inbox");
        var target = b1.System.ActorOf(Props.Create(() => new EchoActor()), "target");
        var oldInbox = a.RefTo(b1, "/user/inbox");
        oldInbox.Tell(new Ping(1), null);
        inbox1.ExpectMsg<Ping>();
        var watcher = a.CreateProbe();
        var remoteTarget = a.RefTo(b1, "/user/target");
        watcher.Watch(remoteTarget);
        await Eventually.TrueAsync(() => b1.Remoting.Watcher.InboundCount == 1, "the watch reached b");

        await b1.DisposeAsync();
        await using var b2 = await RemoteTestNode.StartAsync(network, "b", incarnation: 2, port: port);
        b2.System.WithTestMessages();
        var inbox2 = b2.CreateProbe();
        b2.System.ActorOf(Props.Create(() => new RelayActor(inbox2.Ref)), "inbox");

        // a's link reconnects on its own, meets incarnation 2, and quarantines incarnation 1.
        var terminated = watcher.ExpectMsg<Terminated>(timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(remoteTarget, terminated.ActorRef);
        Assert.True(terminated.AddressTerminated);
        var evt = quarantined.ExpectMsg<PeerQuarantined>();
        Assert.Equal(b1.Node, evt.Node);
        Assert.Equal("the peer restarted as incarnation 0000000000000002", evt.Reason);
        Assert.True(a.Remoting.IsQuarantined(b1.Node));

        oldInbox.Tell(new Ping(2), null);
        var letter = Assert.Single(a.DeadLetters);
        Assert.Equal(new Ping(2), letter.Message);
        Assert.Equal($"quarantined: incarnation {b1.Node} is quarantined", letter.Reason);

        a.RefTo(b2, "/user/inbox").Tell(new Ping(3), null);
        Assert.Equal(new Ping(3), inbox2.ExpectMsg<Ping>());
        var status = a.Remoting.PeerStates.Get(b2.Id)!;
        Assert.Equal(PeerLinkState.Connected, status.State);
        Assert.Equal(b2.Node, status.Node);
        Assert.Equal(b2.Node, status.Identity!.Node);
        Assert.Equal(["test"], status.Identity.Roles);
    }

    [Fact]
    public async Task Messages_told_while_a_quarantined_peer_restarts_reach_its_new_incarnation_in_order()
    {
        var faults = new FaultInjector(seed: 1);
        var network = new TestNetwork(TransportKind.InMemory, faults);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        a.System.WithTestMessages();
        var b1 = await RemoteTestNode.StartAsync(network, "b", incarnation: 1);
        var port = b1.Endpoint.Port;
        b1.System.WithTestMessages();
        var inbox1 = b1.CreateInbox();
        var address = b1.Remoting.Address;
        a.RefTo(b1, "/user/inbox").Tell(new Ping(1), null);
        Assert.Equal(new Ping(1), inbox1.ExpectMsg<Ping>());

        // b2 accepts connections as soon as it starts, before it registers the test messages and
        // creates its inbox, while a redials the address: a's dials there are refused until b2 is
        // ready, or the messages could arrive first and be dead letters on b2.
        faults.Refuse(a.Endpoint, b1.Endpoint, FaultDirection.FirstToSecond);
        await b1.DisposeAsync();
        a.Remoting.Quarantine(b1.Node, "downed by the cluster");

        // A ref resolved now is not bound to the quarantined incarnation: what it is told waits
        // in the link for whichever incarnation comes next. The link encoded it against the old
        // incarnation's tables; the new process knows none of them, so it must be encoded again.
        var inbox = a.System.ResolveActorRef(ActorPath.Parse(address + "/user/inbox"))!;
        for (var i = 2; i <= 40; i++)
        {
            inbox.Tell(new Ping(i), null);
        }

        await using var b2 = await RemoteTestNode.StartAsync(network, "b", incarnation: 2, port: port);
        b2.System.WithTestMessages();
        var inbox2 = b2.CreateInbox();
        faults.Heal(a.Endpoint, b2.Endpoint);
        b2.Remoting.Connect(a.Endpoint);

        for (var i = 2; i <= 40; i++)
        {
            Assert.Equal(new Ping(i), inbox2.ExpectMsg<Ping>(timeout: TimeSpan.FromSeconds(10)));
        }

        Assert.Empty(a.DeadLetters);
        Assert.Empty(b2.DeadLetters);
    }

    /// <summary>
    /// Messages told while the peer restarts are serialized again for its new incarnation under the
    /// link's log lock. A serializer that tells a remote actor from there would enter that lock
    /// again on the thread holding it: the inner Tell fails instead of waiting for itself, so that
    /// one message is a dead letter saying why, and the link goes on with the rest.
    /// </summary>
    [Fact]
    public async Task Serializer_telling_a_remote_actor_while_messages_are_serialized_again_costs_its_message_not_the_link()
    {
        var faults = new FaultInjector(seed: 1);
        var network = new TestNetwork(TransportKind.InMemory, faults);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        a.System.WithTestMessages();
        var telling = new TellingSerializer();
        a.System.Serialization().Add(telling);
        var b1 = await RemoteTestNode.StartAsync(network, "b", incarnation: 1);
        var port = b1.Endpoint.Port;
        b1.System.WithTestMessages();
        var inbox1 = b1.CreateInbox();
        var address = b1.Remoting.Address;
        a.RefTo(b1, "/user/inbox").Tell(new Ping(1), null);
        Assert.Equal(new Ping(1), inbox1.ExpectMsg<Ping>());
        faults.Refuse(a.Endpoint, b1.Endpoint, FaultDirection.FirstToSecond);
        await b1.DisposeAsync();
        a.Remoting.Quarantine(b1.Node, "downed by the cluster");

        var inbox = a.System.ResolveActorRef(ActorPath.Parse(address + "/user/inbox"))!;
        inbox.Tell(new Ping(2), null);
        inbox.Tell(new TellsWhenSerialized(inbox), null);
        inbox.Tell(new Ping(3), null);
        telling.Armed = true;

        await using var b2 = await RemoteTestNode.StartAsync(network, "b", incarnation: 2, port: port);
        b2.System.WithTestMessages();
        var inbox2 = b2.CreateInbox();
        faults.Heal(a.Endpoint, b2.Endpoint);
        b2.Remoting.Connect(a.Endpoint);

        Assert.Equal(new Ping(2), inbox2.ExpectMsg<Ping>(timeout: TimeSpan.FromSeconds(10)));
        Assert.Equal(new Ping(3), inbox2.ExpectMsg<Ping>(timeout: TimeSpan.FromSeconds(10)));
        var letter = Assert.Single(a.DeadLetters);
        Assert.IsType<TellsWhenSerialized>(letter.Message);
        Assert.StartsWith("unserializable: ", letter.Reason, StringComparison.Ordinal);
        Assert.Contains("tried to enter it again", letter.Reason, StringComparison.Ordinal);
        a.RefTo(b2, "/user/inbox").Tell(new Ping(4), null);
        Assert.Equal(new Ping(4), inbox2.ExpectMsg<Ping>(timeout: TimeSpan.FromSeconds(10)));
        Assert.Empty(b2.DeadLetters);
    }

    private sealed record TellsWhenSerialized(IActorRef Target);

    /// <summary>Serializes <see cref="TellsWhenSerialized"/>; once armed, tells its target a Ping(99) each time it does.</summary>
    private sealed class TellingSerializer : IPayloadSerializer
    {
        public volatile bool Armed;

        public int Id => 4711;

        public string Name => "telling";

        public string? ManifestFor(Type type) => type == typeof(TellsWhenSerialized) ? "T" : null;

        public byte[] ToBinary(object value)
        {
            if (Armed)
            {
                ((TellsWhenSerialized)value).Target.Tell(new Ping(99), null);
            }

            return [];
        }

        public object FromBinary(ReadOnlySpan<byte> bytes, string manifest) => throw new PayloadSerializationException("not read in this test", Id, manifest);
    }

    [Fact]
    public async Task A_quarantined_node_is_refused_and_learns_it_was_quarantined()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        var told = b.CreateProbe();
        b.System.EventStream.Subscribe<QuarantinedByPeer>(told.Ref);
        b.Remoting.Connect(a.Endpoint);
        await Eventually.TrueAsync(() => a.Remoting.IsLinkActive(b.Id), "connected");

        a.Remoting.Quarantine(b.Node, "downed by the cluster");

        var notice = told.ExpectMsg<QuarantinedByPeer>();
        Assert.Equal(a.Node, notice.Peer);
        Assert.Contains("downed by the cluster", notice.Detail, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => b.Remoting.PeerStates.StateOf(a.Id) == PeerLinkState.Disconnected, "b's link to a stopped");

        // A new attempt of the same incarnation is refused at once. (a also keeps probing b's
        // address, to find a restarted b; it refuses what it finds there just the same.)
        b.Remoting.Connect(a.Endpoint);
        await Eventually.TrueAsync(
            () => a.Logs.Entries.Any(e => e.Message.StartsWith($"Node a: refused a session with {b.Node}: its incarnation is quarantined: downed by the cluster", StringComparison.Ordinal)),
            "a refused b's new session");
        Assert.False(a.Remoting.IsLinkActive(b.Id));
    }

    /// <summary>
    /// Regression (PeerStateIntegrationTests, under load): a session the peer dialed in reached the
    /// links actor before the LinkStopped of the link it then woke, so that LinkStopped counted the
    /// running link dormant, and every Disconnect of it was held back for good. Here the late
    /// LinkStopped is sent by hand, while the link runs; it carries the latest wake, so the links
    /// actor counts it (LinkSupervisionTests covers a stale one): commands must not depend on the count.
    /// </summary>
    [Fact]
    public async Task Disconnect_reaches_a_running_link_that_a_late_LinkStopped_counted_dormant()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        var events = new System.Collections.Concurrent.ConcurrentQueue<PeerStatus>();
        using var subscription = a.System.EventStream.Subscribe<PeerStateChanged>(e => events.Enqueue(e.Current));
        a.Remoting.Connect(b.Endpoint);
        await Eventually.TrueAsync(() => a.Remoting.PeerStates.IsAvailable(b.Id), "a connected to b");
        var links = a.Links;
        var link = a.LinkTo(b.Id);
        links.Tell(new LinkStopped(b.Id, WakeSeq.None), link);

        a.Remoting.Disconnect(b.Id, "disconnected by the test");

        // Awaited as an event: b redials at once and may wake a's link again.
        await Eventually.TrueAsync(
            () => events.Any(s => s is { State: PeerLinkState.Disconnected, Reason: "disconnected by the test" }),
            "a's link to b disconnected",
            () => string.Join("\n", events));
    }

    private static string[] LinkNames(RemoteTestNode node) =>
        node.System.Hierarchy().DescendantsAndSelf()
            .Single(n => n.Path.EndsWith("/system/remote/links", StringComparison.Ordinal))
            .Children.Select(c => c.Name)
            .ToArray();

    /// <summary>A batch as b's link would send first on a new session: sequence 1, path and manifest defined in-band.</summary>
    private static Frame Batch(RemoteTestNode to, string path, Ping ping)
    {
        using var builder = new BatchBuilder();
        var recipient = to.System.ResolveActorRef(ActorPath.Parse(to.Remoting.Address + path))!;
        builder.AddUser(new OutboundTables(), recipient, null, Actors.Serialization.JsonPayloadSerializer.SerializerId, "test.ping", JsonSerializer.SerializeToUtf8Bytes(ping));
        return new Frame { UserBatch = ByteString.CopyFrom(builder.Finish(0, 1).Span) };
    }

    private sealed record ConnectionClosedSnapshot(Remote.Transport.ConnectionClosed? Closed);

    /// <summary>Records, when its first message arrives, whether the old session was already closed.</summary>
    private sealed class SnapshotActor(PeerSession old, TaskCompletionSource<ConnectionClosedSnapshot> done) : ActorBase
    {
        protected override bool Receive(object message)
        {
            done.TrySetResult(new ConnectionClosedSnapshot(old.Connection.CloseReason));
            return true;
        }
    }
}

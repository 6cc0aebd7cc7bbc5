using System.Diagnostics.Metrics;
using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Configuration;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport.Faults;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// Every message that cannot be delivered becomes a dead letter whose reason says why (counted in
/// the metrics), and bad input from a peer never takes the link down: the next message arrives.
/// </summary>
public sealed class RemoteDeliveryFailureTests
{
    [Fact]
    public async Task An_unknown_manifest_is_a_dead_letter_on_the_receiver_and_the_link_stays_up()
    {
        await using var pair = await Pair.StartAsync();
        pair.A.System.Serialization().AddJson<OnlyOnA>("test.only-on-a");

        pair.Inbox.Tell(new OnlyOnA(1), null);
        pair.Inbox.Tell(new Ping(2), null);

        Assert.Equal(new Ping(2), pair.InboxProbe.ExpectMsg<Ping>());
        var letter = Assert.Single(pair.B.DeadLetters);
        var undecodable = Assert.IsType<UndecodableRemoteMessage>(letter.Message);
        Assert.Equal("test.only-on-a", undecodable.Manifest);
        Assert.Equal(pair.A.Node, undecodable.From);
        Assert.StartsWith($"undecodable: a message from {pair.A.Node} could not be deserialized: unknown JSON manifest 'test.only-on-a'", letter.Reason, StringComparison.Ordinal);
        Assert.Equal("/user/inbox", letter.Recipient.Path.ToStringWithoutAddress());
        Assert.True(pair.A.Remoting.IsLinkActive(pair.B.Id));
    }

    [Fact]
    public async Task A_payload_that_does_not_decode_is_a_dead_letter_on_the_receiver_and_the_link_stays_up()
    {
        await using var pair = await Pair.StartAsync();
        pair.A.System.Serialization().AddJson<Shape>("test.shape");
        pair.B.System.Serialization().AddJson<OtherShape>("test.shape");

        pair.Inbox.Tell(new Shape("not a number"), null);
        pair.Inbox.Tell(new Ping(2), null);

        Assert.Equal(new Ping(2), pair.InboxProbe.ExpectMsg<Ping>());
        var letter = Assert.Single(pair.B.DeadLetters);
        Assert.StartsWith("undecodable: a message from", letter.Reason, StringComparison.Ordinal);
        Assert.Contains("payload for JSON manifest 'test.shape' does not decode", letter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_serializer_id_is_a_dead_letter_on_the_receiver_and_the_link_stays_up()
    {
        await using var pair = await Pair.StartAsync();
        pair.A.System.Serialization().Add(new PrivateSerializer());

        pair.Inbox.Tell(new OnlyOnA(5), null);
        pair.Inbox.Tell(new Ping(2), null);

        Assert.Equal(new Ping(2), pair.InboxProbe.ExpectMsg<Ping>());
        var letter = Assert.Single(pair.B.DeadLetters);
        Assert.Contains("unknown serializer id 77 (manifest 'only')", letter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_for_an_actor_that_does_not_exist_is_a_dead_letter_on_the_receiver()
    {
        await using var pair = await Pair.StartAsync();

        pair.A.RefTo(pair.B, "/user/nobody").Tell(new Ping(1), null);
        pair.Inbox.Tell(new Ping(2), null);

        Assert.Equal(new Ping(2), pair.InboxProbe.ExpectMsg<Ping>());
        var letter = Assert.Single(pair.B.DeadLetters);
        Assert.Equal(new Ping(1), letter.Message);
        Assert.Equal($"unknown-recipient: no actor at {pair.B.Remoting.Address}/user/nobody on {pair.B.Node}", letter.Reason);
    }

    [Fact]
    public async Task A_message_addressed_to_another_system_name_is_a_dead_letter_on_the_receiver()
    {
        await using var pair = await Pair.StartAsync();
        var wrong = pair.A.System.ResolveActorRef(ActorPath.Parse($"peersync://other@{pair.B.Endpoint}/user/inbox"))!;

        wrong.Tell(new Ping(1), null);
        pair.Inbox.Tell(new Ping(2), null);

        Assert.Equal(new Ping(2), pair.InboxProbe.ExpectMsg<Ping>());
        var letter = Assert.Single(pair.B.DeadLetters);
        Assert.Equal($"unknown-recipient: recipient peersync://other@{pair.B.Endpoint}/user/inbox is in actor system 'other' but this node runs 'sys'", letter.Reason);
    }

    [Fact]
    public async Task Dead_letters_messages_and_links_are_counted_in_the_metrics()
    {
        // Keyed by instrument, node and (for dead letters) reason or (for links) state.
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "PeerSync.Remote")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags)
            {
                key += "|" + tag.Value;
            }

            lock (counts)
            {
                counts[key] = instrument is ObservableGauge<long> ? value : counts.GetValueOrDefault(key) + value;
            }
        });
        listener.Start();
        await using var pair = await Pair.StartAsync("metrics-a", "metrics-b");

        pair.A.RefTo(pair.B, "/user/nobody").Tell(new Ping(1), null);
        pair.A.RefTo(pair.B, "/user/nobody").Tell(new Ping(2), null);
        pair.Inbox.Tell(new Ping(3), null);
        pair.InboxProbe.ExpectMsg<Ping>();
        listener.RecordObservableInstruments();

        lock (counts)
        {
            Assert.Equal(2, counts["peersync.remote.dead_letters|metrics-b|unknown-recipient"]);
            Assert.True(counts["peersync.remote.messages_sent|metrics-a"] >= 4);
            Assert.True(counts["peersync.remote.messages_received|metrics-b"] >= 4);
            Assert.True(counts["peersync.remote.bytes_sent|metrics-a"] > 0);
            Assert.Equal(1, counts["peersync.remote.links|metrics-a|Connected"]);
            Assert.True(counts.ContainsKey("peersync.remote.buffer_depth|metrics-a"));
        }
    }

    [Fact]
    public async Task Messages_beyond_the_buffer_while_the_peer_is_unreachable_are_dead_letters_with_the_reason()
    {
        // Nothing listens at the address yet: messages wait (bounded) while the node dials it.
        // b accepts connections as soon as it starts, before it registers the test messages and
        // creates its inbox, and a redials every 200 ms at most: a's dials there are refused until
        // b is ready, or the ten could arrive first and be dead letters on b.
        var address = new EndpointAddress("127.0.0.1", 4999);
        var faults = new FaultInjector(seed: 1);
        faults.AddNode(address);
        var network = new TestNetwork(TransportKind.InMemory, faults);
        await using var a = await RemoteTestNode.StartAsync(network, "a", o => o.Link.BufferMessages = 10);
        a.System.WithTestMessages();
        faults.Refuse(a.Endpoint, address, FaultDirection.FirstToSecond);
        var target = a.System.ResolveActorRef(ActorPath.Parse($"peersync://sys@{address}/user/inbox"))!;

        for (var i = 0; i < 15; i++)
        {
            target.Tell(new Ping(i), null);
        }

        var letters = a.DeadLetters;
        Assert.Equal(5, letters.Count);
        Assert.Equal(Enumerable.Range(10, 5).Select(i => new Ping(i)), letters.Select(l => l.Message));
        Assert.All(letters, l => Assert.Equal("buffer-full: the buffer for 127.0.0.1:4999 is full (10 messages, " + l.Reason.Split("(10 messages, ")[1], l.Reason));

        // Once the node appears there, the ten buffered messages are delivered, in order.
        await using var b = await RemoteTestNode.StartAsync(network, "b", port: address.Port);
        b.System.WithTestMessages();
        var inbox = b.CreateInbox();
        faults.Heal(a.Endpoint, address);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(new Ping(i), inbox.ExpectMsg<Ping>(timeout: TimeSpan.FromSeconds(10)));
        }

        Assert.Empty(b.DeadLetters);
    }

    [Fact]
    public async Task Messages_to_a_disconnected_peer_are_dead_letters_until_it_is_connected_again()
    {
        var faults = new FaultInjector(seed: 1);
        await using var pair = await Pair.StartAsync(faults: faults);
        // b dials a again once a drops the link, and a takes a peer that dials it: keep b's dials
        // from completing, so that a's link is still disconnected when the test tells (under load,
        // b's next dial could otherwise land between the state check and the Tell).
        await Eventually.TrueAsync(() => pair.A.Remoting.BufferedMessages(pair.B.Id) == 0, "the first message acknowledged");
        faults.Blackhole(pair.A.Endpoint, pair.B.Endpoint);
        await DisconnectAsync(pair);

        pair.Inbox.Tell(new Ping(1), null);

        Assert.Equal(["Ping { N = 1 }: peer-gone: the link to b is closed: not needed any more"], pair.A.DeadLetters.Select(d => $"{d.Message}: {d.Reason}"));

        await ReconnectAsync(pair, faults);
        pair.Inbox.Tell(new Ping(2), null);
        Assert.Equal(new Ping(2), pair.InboxProbe.ExpectMsg<Ping>());
    }

    [Fact]
    public async Task A_link_closed_with_messages_sent_but_not_acknowledged_works_again_when_it_reconnects()
    {
        var faults = new FaultInjector(seed: 1);
        // The disconnect waits for b to acknowledge what is buffered, which the blackhole prevents:
        // a short flush bound keeps that wait from being most of the test.
        await using var pair = await Pair.StartAsync(faults: faults, configureA: o => o.Link.ShutdownFlushTimeout = TimeSpan.FromMilliseconds(200));
        await Eventually.TrueAsync(() => pair.A.Remoting.BufferedMessages(pair.B.Id) == 0, "the first message acknowledged");

        // Sent on the connection but swallowed on the way: b never acknowledges them.
        faults.Blackhole(pair.A.Endpoint, pair.B.Endpoint);
        for (var i = 1; i <= 3; i++)
        {
            pair.Inbox.Tell(new Ping(i), null);
        }

        await DisconnectAsync(pair);
        Assert.Equal(
            [1, 2, 3],
            pair.A.DeadLetters.Select(d => Assert.IsType<Ping>(d.Message).N).Order());
        Assert.All(pair.A.DeadLetters, d => Assert.EndsWith("(sent, not acknowledged)", d.Reason));

        // The same incarnation of b comes back: its sequence numbers go on from where they were,
        // so the link must not leave a gap where the failed messages were (b would refuse every
        // batch after it as "entries are missing").
        await ReconnectAsync(pair, faults);
        pair.Inbox.Tell(new Ping(4), null);

        // The failed ones may or may not arrive (their dead letters say so); the new one must.
        var received = new List<int>();
        while (!received.Contains(4))
        {
            received.Add(pair.InboxProbe.ExpectMsg<Ping>(timeout: TimeSpan.FromSeconds(10)).N);
        }

        Assert.Equal(received.Order(), received);
        await Eventually.TrueAsync(() => pair.A.Remoting.BufferedMessages(pair.B.Id) == 0, "everything acknowledged");
    }

    /// <summary>a disconnects from b on purpose and waits until its link says so.</summary>
    private static async Task DisconnectAsync(Pair pair)
    {
        pair.A.Remoting.Disconnect(pair.B.Id, "not needed any more");
        await Eventually.TrueAsync(() => pair.A.Remoting.PeerStates.StateOf(pair.B.Id) == Remote.Links.PeerLinkState.Disconnected, "a disconnected from b");
    }

    /// <summary>Heals the route between a and b and connects a again, waiting until the link is up.</summary>
    private static async Task ReconnectAsync(Pair pair, FaultInjector faults)
    {
        faults.Heal(pair.A.Endpoint, pair.B.Endpoint);
        pair.A.Remoting.Connect(pair.B.Endpoint);
        await Eventually.TrueAsync(() => pair.A.Remoting.PeerStates.IsAvailable(pair.B.Id), "a connected to b again");
    }

    [Fact]
    public async Task A_tell_made_on_the_disconnected_event_is_a_dead_letter_at_once()
    {
        // A subscriber callback runs while the link publishes Disconnected: by then the link must
        // already refuse sends, so the Tell is dead-lettered before it returns, not queued.
        await using var pair = await Pair.StartAsync();
        var seen = new TaskCompletionSource<string[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = pair.A.System.EventStream.Subscribe<Remote.PeerState.PeerStateChanged>(changed =>
        {
            if (changed.Current.Peer == pair.B.Id && changed.Current.State == Remote.Links.PeerLinkState.Disconnected)
            {
                pair.Inbox.Tell(new Ping(1), null);
                seen.TrySetResult([.. pair.A.DeadLetters.Select(d => $"{d.Message}: {d.Reason}")]);
            }
        });

        pair.A.Remoting.Disconnect(pair.B.Id, "not needed any more");

        Assert.Equal(["Ping { N = 1 }: peer-gone: the link to b is closed: not needed any more"], await seen.Task.Within());
    }

    private sealed record OnlyOnA(int N);

    private sealed record Shape(string Size);

    private sealed record OtherShape(int Size);

    private sealed class PrivateSerializer : IPayloadSerializer
    {
        public int Id => 77;

        public string Name => "private";

        public string? ManifestFor(Type type) => type == typeof(OnlyOnA) ? "only" : null;

        public byte[] ToBinary(object value) => [1];

        public object FromBinary(ReadOnlySpan<byte> bytes, string manifest) => new OnlyOnA(bytes[0]);
    }

    /// <summary>Nodes a and b with test messages registered, a probe behind /user/inbox on b, and a's ref to it.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private Pair(RemoteTestNode a, RemoteTestNode b, Actors.IActorRef inbox, TestKit.TestProbe inboxProbe)
        {
            A = a;
            B = b;
            Inbox = inbox;
            InboxProbe = inboxProbe;
        }

        public RemoteTestNode A { get; }

        public RemoteTestNode B { get; }

        public Actors.IActorRef Inbox { get; }

        public TestKit.TestProbe InboxProbe { get; }

        public static async Task<Pair> StartAsync(string a = "a", string b = "b", FaultInjector? faults = null, Action<RemoteOptions>? configureA = null)
        {
            var network = new TestNetwork(TransportKind.InMemory, faults);
            var nodeA = await RemoteTestNode.StartAsync(network, a, configureA);
            var nodeB = await RemoteTestNode.StartAsync(network, b);
            nodeA.System.WithTestMessages();
            nodeB.System.WithTestMessages();
            var probe = nodeB.CreateProbe();
            nodeB.System.ActorOf(Props.Create(() => new RelayActor(probe.Ref)), "inbox");
            var inbox = nodeA.RefTo(nodeB, "/user/inbox");
            // Connected before the test starts, so what it sends is what it sees.
            inbox.Tell(new Ping(-1), null);
            probe.ExpectMsg<Ping>(p => p.N == -1);
            return new Pair(nodeA, nodeB, inbox, probe);
        }

        public async ValueTask DisposeAsync()
        {
            await B.DisposeAsync();
            await A.DisposeAsync();
        }
    }
}

using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport;
using PeerSync.Remote.Transport.Faults;
using PeerSync.Remote.Transport.InMemory;

namespace PeerSync.Remote.Tests.Transport;

public sealed class FaultInjectionTests
{
    private static readonly EndpointAddress A = new("node-a", 1);
    private static readonly EndpointAddress B = new("node-b", 2);

    public static TheoryData<TransportKind> Kinds => [TransportKind.InMemory, TransportKind.Tcp, TransportKind.Tls];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Blackhole_loses_frames_both_ways_until_healed(TransportKind kind)
    {
        await using var link = await Link.OpenAsync(kind: kind);
        var b = link.B;

        link.Injector.Blackhole(A, b);
        link.Dialer.TrySend(Frames.User("/user/lost-a-to-b"));
        link.Acceptor.TrySend(Frames.User("/user/lost-b-to-a"));
        link.Injector.Heal(A, b);
        link.Dialer.TrySend(Frames.User("/user/after-heal-a-to-b"));
        link.Acceptor.TrySend(Frames.User("/user/after-heal-b-to-a"));

        // The next frame each side sees is the one sent after healing: the others are gone.
        Assert.Equal("/user/after-heal-a-to-b", (await link.Acceptor.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        Assert.Equal("/user/after-heal-b-to-a", (await link.Dialer.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        Assert.Equal(2, link.Injector.DroppedFrames);
    }

    [Fact]
    public async Task Blackhole_in_one_direction_leaves_the_other_working()
    {
        await using var link = await Link.OpenAsync();

        link.Injector.Blackhole(A, B, FaultDirection.FirstToSecond);
        link.Dialer.TrySend(Frames.User("/user/lost"));
        link.Acceptor.TrySend(Frames.User("/user/b-to-a"));
        Assert.Equal("/user/b-to-a", (await link.Dialer.ReceiveAsync().Within())!.UserMessage.RecipientPath);

        link.Injector.HealAll();
        link.Dialer.TrySend(Frames.User("/user/a-to-b"));
        Assert.Equal("/user/a-to-b", (await link.Acceptor.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        Assert.Equal(1, link.Injector.DroppedFrames);
    }

    [Fact]
    public async Task Blackholed_nodes_fail_the_handshake_by_timeout_and_connect_after_heal()
    {
        var network = new InMemoryNetwork();
        var time = new ManualTimeProvider();
        var injector = new FaultInjector(seed: 1);
        var server = new InMemoryTransport(network);
        var client = new FaultInjectingTransport(new InMemoryTransport(network), injector, A);
        await using var listener = await RemoteListener.StartAsync(
            server, B, TestNodes.Runner(TestNodes.Config("b"), time), (s, _) => Task.CompletedTask, timeProvider: time);
        var dialer = new RemoteDialer(client, TestNodes.Runner(TestNodes.Config("a"), time));

        // B's transport is not wrapped, so it does not declare itself to the injector.
        injector.AddNode(B);
        injector.Blackhole(A, B);
        var attempt = dialer.ConnectAsync(B);
        var result = await AdvanceUntilAsync(time, attempt);
        Assert.Equal(DisconnectReason.HandshakeTimeout, result.Reason);

        injector.Heal(A, B);
        var healed = await dialer.ConnectAsync(B).Within();
        Assert.True(healed.Succeeded, healed.ToString());
        await healed.Session!.DisposeAsync();
    }

    [Fact]
    public async Task Drop_loses_a_seeded_share_of_frames_and_replays_with_the_same_seed()
    {
        var first = await DeliveredUnderDropAsync(seed: 42);
        var second = await DeliveredUnderDropAsync(seed: 42);

        Assert.Equal(first, second);
        Assert.InRange(first.Count, 300, 700);
    }

    [Fact]
    public async Task Delay_holds_frames_back_on_the_injected_clock_and_keeps_their_order()
    {
        var time = new ManualTimeProvider();
        await using var link = await Link.OpenAsync(new FaultInjector(seed: 1, time));

        link.Injector.Delay(A, B, TimeSpan.FromSeconds(10), FaultDirection.FirstToSecond);
        link.Dialer.TrySend(Frames.User("/user/delayed"));
        link.Injector.Heal(A, B);
        link.Dialer.TrySend(Frames.User("/user/behind-it"));
        var receiving = link.Acceptor.ReceiveAsync().AsTask();

        Assert.False(await Task.WhenAny(receiving, Task.Delay(100)) == receiving, "a delayed frame arrived before its time");
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("/user/delayed", (await receiving.Within())!.UserMessage.RecipientPath);
        Assert.Equal("/user/behind-it", (await link.Acceptor.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        Assert.Equal(1, link.Injector.DelayedFrames);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Reset_fails_both_ends_at_once_as_lost_connections_and_new_ones_form_right_after(TransportKind kind)
    {
        await using var link = await Link.OpenAsync(kind: kind);
        link.Dialer.TrySend(Frames.User("/user/before"));
        Assert.Equal("/user/before", (await link.Acceptor.ReceiveAsync().Within())!.UserMessage.RecipientPath);

        Assert.Equal(1, link.Injector.Reset(A, link.B));

        var dialerClosed = await link.Dialer.Completion.Within();
        var acceptorClosed = await link.Acceptor.Completion.Within();
        foreach (var closed in new[] { dialerClosed, acceptorClosed })
        {
            // Each side's own reason: no Disconnect notice crossed (it would read "peer closed the connection: ...").
            Assert.Equal(DisconnectReason.ConnectionLost, closed.Reason);
            Assert.StartsWith("connection reset (fault injected between", closed.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(SendResult.Closed, link.Dialer.TrySend(Frames.User("/user/after")));
        Assert.Equal(1, link.Injector.ResetConnections);
        Assert.Equal(0, link.Injector.Reset(A, link.B));

        await using var again = await link.ReconnectAsync();
        again.Dialer.TrySend(Frames.User("/user/new-connection"));
        Assert.Equal("/user/new-connection", (await again.Acceptor.ReceiveAsync().Within())!.UserMessage.RecipientPath);
    }

    [Fact]
    public async Task Reset_leaves_connections_between_other_nodes_open()
    {
        var c = new EndpointAddress("node-c", 3);
        await using var link = await Link.OpenAsync();
        link.Injector.AddNode(c);

        Assert.Equal(0, link.Injector.Reset(A, c));
        Assert.Equal(0, link.Injector.Reset(link.B, c));

        link.Dialer.TrySend(Frames.User("/user/still-open"));
        Assert.Equal("/user/still-open", (await link.Acceptor.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        Assert.Null(link.Dialer.CloseReason);
        Assert.Equal(0, link.Injector.ResetConnections);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Refuse_fails_dials_at_once_leaves_open_connections_working_and_heal_lifts_it(TransportKind kind)
    {
        await using var link = await Link.OpenAsync(kind: kind);

        link.Injector.Refuse(A, link.B);

        var refused = await Assert.ThrowsAsync<TransportException>(async () => await link.Client.DialAsync(link.B).AsTask().Within());
        Assert.Contains("connection refused (fault injected)", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"{A} may not dial {link.B}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, link.Injector.RefusedDials);
        link.Dialer.TrySend(Frames.User("/user/existing"));
        Assert.Equal("/user/existing", (await link.Acceptor.ReceiveAsync().Within())!.UserMessage.RecipientPath);

        link.Injector.Heal(A, link.B);
        await using var again = await link.ReconnectAsync();
        again.Dialer.TrySend(Frames.User("/user/healed"));
        Assert.Equal("/user/healed", (await again.Acceptor.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        Assert.Equal(1, link.Injector.RefusedDials);
    }

    [Fact]
    public async Task Refuse_in_one_direction_refuses_only_the_dials_made_that_way()
    {
        await using var link = await Link.OpenAsync();

        link.Injector.Refuse(A, link.B, FaultDirection.SecondToFirst);
        await using (var allowed = await link.ReconnectAsync())
        {
            Assert.Null(allowed.Dialer.CloseReason);
        }

        link.Injector.Refuse(A, link.B, FaultDirection.FirstToSecond);
        await Assert.ThrowsAsync<TransportException>(async () => await link.Client.DialAsync(link.B).AsTask().Within());
        Assert.Equal(1, link.Injector.RefusedDials);
    }

    /// <summary>A mistyped address must not make a fault test pass vacuously: every fault names two different known nodes.</summary>
    [Theory]
    [InlineData("blackhole")]
    [InlineData("delay")]
    [InlineData("drop")]
    [InlineData("refuse")]
    [InlineData("reset")]
    [InlineData("heal")]
    public void A_fault_naming_an_unknown_address_or_one_node_twice_is_refused_with_a_message_naming_the_problem(string kind)
    {
        var injector = new FaultInjector(seed: 1);
        injector.AddNode(A);
        injector.AddNode(B);
        var unknown = new EndpointAddress("node-x", 9);
        Action<EndpointAddress, EndpointAddress> fault = kind switch
        {
            "blackhole" => (x, y) => injector.Blackhole(x, y),
            "delay" => (x, y) => injector.Delay(x, y, TimeSpan.FromSeconds(1)),
            "drop" => (x, y) => injector.Drop(x, y, 0.5),
            "refuse" => (x, y) => injector.Refuse(x, y),
            "reset" => (x, y) => injector.Reset(x, y),
            _ => (x, y) => injector.Heal(x, y),
        };

        var notANode = Assert.Throws<ArgumentException>(() => fault(A, unknown));
        Assert.Equal("second", notANode.ParamName);
        Assert.Contains("'node-x:9' is not a node of this fault injector", notANode.Message, StringComparison.Ordinal);
        Assert.Contains("(nodes: node-a:1, node-b:2)", notANode.Message, StringComparison.Ordinal);
        Assert.Equal("first", Assert.Throws<ArgumentException>(() => fault(unknown, B)).ParamName);
        var itself = Assert.Throws<ArgumentException>(() => fault(A, A));
        Assert.Contains("a link fault needs two different nodes, but both are node-a:1", itself.Message, StringComparison.Ordinal);
        Assert.Equal(0, injector.ResetConnections);
        Assert.Equal(0, injector.RefusedDials);
    }

    [Fact]
    public void AddNode_refuses_an_address_no_node_can_listen_on()
    {
        var injector = new FaultInjector(seed: 1);

        Assert.Contains("':0' is not a node address", Assert.Throws<ArgumentException>(() => injector.AddNode(default)).Message, StringComparison.Ordinal);
        Assert.Contains("'h:0' is not a node address", Assert.Throws<ArgumentException>(() => injector.AddNode(new EndpointAddress("h", 0))).Message, StringComparison.Ordinal);
        Assert.Contains("(nodes: none yet)", Assert.Throws<ArgumentException>(() => injector.Blackhole(A, B)).Message, StringComparison.Ordinal);
    }

    private static async Task<List<int>> DeliveredUnderDropAsync(int seed)
    {
        await using var link = await Link.OpenAsync(new FaultInjector(seed));
        link.Injector.Drop(A, B, 0.5, FaultDirection.FirstToSecond);
        for (var i = 0; i < 1000; i++)
        {
            link.Dialer.TrySend(Frames.User(i));
        }

        link.Injector.HealAll();
        link.Dialer.TrySend(Frames.User(-1));
        var delivered = new List<int>();
        while (Frames.SequenceOf((await link.Acceptor.ReceiveAsync().Within())!) is var n && n != -1)
        {
            delivered.Add(n);
        }

        Assert.Equal(1000 - link.Injector.DroppedFrames, delivered.Count);
        return delivered;
    }

    private static async Task<T> AdvanceUntilAsync<T>(ManualTimeProvider time, Task<T> task)
    {
        for (var i = 0; i < 200 && !task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(6));
            await Task.WhenAny(task, Task.Delay(25));
        }

        return await task.Within();
    }

    /// <summary>Node A dials node B through a fault-injecting in-memory transport.</summary>
    private sealed class Link : IAsyncDisposable
    {
        private readonly bool _ownsListener;

        private Link(FaultInjector injector, ITransport client, IFrameConnection dialer, IFrameConnection acceptor, ITransportListener listener, bool ownsListener)
        {
            Injector = injector;
            Client = client;
            Dialer = dialer;
            Acceptor = acceptor;
            Listener = listener;
            _ownsListener = ownsListener;
        }

        public FaultInjector Injector { get; }

        /// <summary>A's wrapped transport, to dial again.</summary>
        public ITransport Client { get; }

        public IFrameConnection Dialer { get; }

        public IFrameConnection Acceptor { get; }

        private ITransportListener Listener { get; }

        /// <summary>B's node address: its listening address (fixed in memory, a free port over TCP).</summary>
        public EndpointAddress B => Listener.LocalAddress;

        public static async Task<Link> OpenAsync(FaultInjector? injector = null, TransportKind kind = TransportKind.InMemory)
        {
            injector ??= new FaultInjector(seed: 7);
            var pair = new TransportPair(kind);
            var b = new FaultInjectingTransport(pair.Server, injector);
            var a = new FaultInjectingTransport(pair.Client, injector, A);
            var listener = await b.ListenAsync(kind == TransportKind.InMemory ? FaultInjectionTests.B : TransportPair.AnyPort);
            var accepting = listener.AcceptAsync().AsTask();
            var dialer = await a.DialAsync(listener.LocalAddress);
            return new Link(injector, a, dialer, (await accepting.Within())!, listener, ownsListener: true);
        }

        /// <summary>A new connection from A to B on the same transports and listener (disposing it leaves the listener open).</summary>
        public async Task<Link> ReconnectAsync()
        {
            var accepting = Listener.AcceptAsync().AsTask();
            var dialer = await Client.DialAsync(B).AsTask().Within();
            return new Link(Injector, Client, dialer, (await accepting.Within())!, Listener, ownsListener: false);
        }

        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(Dialer.DisposeAsync().AsTask(), Acceptor.DisposeAsync().AsTask()).Within();
            if (_ownsListener)
            {
                await Listener.DisposeAsync();
            }
        }
    }
}

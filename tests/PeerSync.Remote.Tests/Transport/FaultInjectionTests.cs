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
        private Link(FaultInjector injector, IFrameConnection dialer, IFrameConnection acceptor, ITransportListener listener)
        {
            Injector = injector;
            Dialer = dialer;
            Acceptor = acceptor;
            Listener = listener;
        }

        public FaultInjector Injector { get; }

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
            return new Link(injector, dialer, (await accepting.Within())!, listener);
        }

        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(Dialer.DisposeAsync().AsTask(), Acceptor.DisposeAsync().AsTask()).Within();
            await Listener.DisposeAsync();
        }
    }
}

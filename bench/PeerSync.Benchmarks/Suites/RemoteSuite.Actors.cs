using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Remote;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Configuration;

namespace PeerSync.Benchmarks.Suites;

public sealed partial class RemoteSuite
{
    /// <summary>
    /// The same shapes between two actor systems with real PeerSync remoting on loopback TCP:
    /// `tell-N` has N senders telling N receiver actors on the other node through remote refs (each
    /// receiver acknowledges every <see cref="ActorAckEvery"/> messages, and a sender keeps at most
    /// <see cref="TotalWindow"/> / N unacknowledged, so the run measures delivery, not buffering or dead
    /// letters); `ping-pong-N` keeps N ping actors each bouncing one message off a pong actor on
    /// the other node.
    /// </summary>
    private static class ActorCases
    {
        /// <summary>Unacknowledged messages all senders together may have: well inside the link's buffer (link.buffer-messages, 65 536).</summary>
        private const int TotalWindow = 48_000;

        public static async Task<(double Rate, long DeadLetters)> TellAsync(int pairs, Window window, TellReceiver receiver = TellReceiver.Actor)
        {
            await using var nodes = await Nodes.StartAsync(cacheReceived: receiver == TellReceiver.InlineCached);
            var meter = new Meter();
            var acks = Enumerable.Range(0, pairs).Select(_ => new SemaphoreSlim(0)).ToArray();
            var receivers = Enumerable.Range(0, pairs)
                .Select(i => receiver == TellReceiver.Actor
                    ? nodes.B.ActorOf(Props.Create(() => new CountingReceiver(meter)), $"receiver-{i}")
                    : (IActorRef)new InlineCounter(nodes.B, meter))
                .ToArray();
            var ackers = Enumerable.Range(0, pairs)
                .Select(i => nodes.A.ActorOf(Props.Create(() => new AckCollector(acks[i])), $"acks-{i}"))
                .ToArray();
            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, pairs).Select(i => Task.Run(async () =>
            {
                var target = nodes.A.ResolveActorRef(ActorPath.Parse($"{nodes.B.Address}{receivers[i].Path.ToStringWithoutAddress()}"))!;
                var message = new BenchMessage(new byte[PayloadBytes]);
                var allowed = TotalWindow / pairs;
                long sent = 0;
                long acknowledged = 0;
                while (!stop.IsCancellationRequested)
                {
                    while (sent - acknowledged >= allowed)
                    {
                        if (!await acks[i].WaitAsync(TimeSpan.FromSeconds(1)))
                        {
                            if (stop.IsCancellationRequested)
                            {
                                return;
                            }

                            continue;
                        }

                        acknowledged += ActorAckEvery;
                    }

                    target.Tell(message, ackers[i]);
                    sent++;
                }
            })).ToArray();

            var rate = await meter.MeasureAsync(window);
            await stop.CancelAsync();
            await Task.WhenAll(senders);
            _ = receivers;
            return (rate, nodes.A.DeadLetterCount + nodes.B.DeadLetterCount);
        }

        public static async Task<(double Rate, long DeadLetters)> PingPongAsync(int pairs, Window window)
        {
            await using var nodes = await Nodes.StartAsync();
            var meter = new Meter();
            var stopping = new StopFlag();
            for (var i = 0; i < pairs; i++)
            {
                nodes.B.ActorOf(Props.Create(() => new Ponger()), $"pong-{i}");
            }

            for (var i = 0; i < pairs; i++)
            {
                var target = nodes.A.ResolveActorRef(ActorPath.Parse($"{nodes.B.Address}/user/pong-{i}"))!;
                var pinger = nodes.A.ActorOf(Props.Create(() => new Pinger(target, meter, stopping)), $"ping-{i}");
                pinger.Tell(new BenchMessage(new byte[PayloadBytes]), null);
            }

            var rate = await meter.MeasureAsync(window);
            stopping.Value = true;
            return (rate, nodes.A.DeadLetterCount + nodes.B.DeadLetterCount);
        }

        /// <summary>Two systems with remoting on loopback TCP, the bench message registered on both.</summary>
        private sealed class Nodes : IAsyncDisposable
        {
            private Nodes(ActorSystem a, ActorSystem b)
            {
                A = a;
                B = b;
            }

            public ActorSystem A { get; }

            public ActorSystem B { get; }

            /// <param name="cacheReceived">B's deserializer returns one cached message instead of a new one each time.</param>
            public static async Task<Nodes> StartAsync(bool cacheReceived = false)
            {
                var a = await StartNodeAsync("bench-a", new BenchSerializer());
                var b = await StartNodeAsync("bench-b", new BenchSerializer(cacheReceived));
                return new Nodes(a, b);
            }

            public async ValueTask DisposeAsync()
            {
                foreach (var system in new[] { A, B })
                {
                    await system.Remoting().ShutdownAsync();
                    await system.Terminate();
                }
            }

            private static async Task<ActorSystem> StartNodeAsync(string id, BenchSerializer serializer)
            {
                var options = new RemoteOptions { Hostname = "127.0.0.1", Port = 0, Secret = "benchmark secret, not for production" };
                options.Link.ShutdownFlushTimeout = TimeSpan.Zero;
                var system = await Remoting.CreateSystemAsync(
                    "bench",
                    new RemotingSettings { Options = options, ClusterName = "bench", NodeId = NodeId.Parse(id) });
                system.Serialization().Add(serializer);
                return system;
            }
        }
    }

    /// <summary>The benchmark's message: an opaque payload of <see cref="PayloadBytes"/> bytes.</summary>
    private sealed record BenchMessage(byte[] Data);

    private sealed record BenchAck;

    /// <summary>
    /// Raw bytes as they are (like Akka's byte-array serializer), so the cases measure remoting, not a
    /// codec. With <paramref name="cacheReceived"/> (the `tell-1:link-only` case only) every received
    /// message is the first one decoded, so the receiving side allocates nothing.
    /// </summary>
    private sealed class BenchSerializer(bool cacheReceived = false) : IPayloadSerializer
    {
        private BenchMessage? _cached;

        public int Id => 4242;

        public string Name => "bench";

        public string? ManifestFor(Type type) => type == typeof(BenchMessage) ? "B" : type == typeof(BenchAck) ? "A" : null;

        public byte[] ToBinary(object value) => value is BenchMessage message ? message.Data : [];

        public object FromBinary(ReadOnlySpan<byte> bytes, string manifest) =>
            manifest != "B" ? new BenchAck()
            : cacheReceived ? _cached ??= new BenchMessage(bytes.ToArray())
            : new BenchMessage(bytes.ToArray());
    }

    /// <summary>
    /// Counts deliveries, reporting them to the shared meter every <see cref="MeterEvery"/> (as the
    /// floor's reader reports once per socket read), so that eight receivers do not contend on the
    /// meter's counter at every message: the bench's own bookkeeping is not what it measures.
    /// </summary>
    private sealed class CountingReceiver(Meter meter) : ActorBase
    {
        private const int MeterEvery = 100;
        private static readonly BenchAck Ack = new();
        private long _count;

        protected internal override bool Receive(object message)
        {
            if (++_count % MeterEvery == 0)
            {
                meter.Add(MeterEvery);
            }

            if (_count % ActorAckEvery == 0)
            {
                Sender.Tell(Ack, Self);
            }

            return true;
        }
    }

    private const int ActorAckEvery = 2_000;

    /// <summary>What receives the `tell-N` messages on node B.</summary>
    private enum TellReceiver
    {
        /// <summary>An actor (<see cref="CountingReceiver"/>): the real case.</summary>
        Actor,

        /// <summary>An <see cref="InlineCounter"/>: no mailbox hop.</summary>
        Inline,

        /// <summary>An <see cref="InlineCounter"/>, and B's deserializer returns a cached message: the link alone.</summary>
        InlineCached,
    }

    /// <summary>
    /// Not an actor: a temporary ref (as an Ask's) whose Tell counts on the calling thread, which is
    /// the link reader's. It counts and acknowledges as <see cref="CountingReceiver"/> does, so the
    /// `tell-1:no-mailbox` and `tell-1:link-only` cases show what the delivery costs without the hop
    /// to an actor's thread (docs/design/remote-links.md, "Performance"). One link reader calls it.
    /// </summary>
    private sealed class InlineCounter : ActorRefBase, IInternalActorRef
    {
        private const int MeterEvery = 100;
        private static readonly BenchAck Ack = new();
        private readonly Meter _meter;
        private long _count;

        public InlineCounter(ActorSystem system, Meter meter)
        {
            System = system;
            _meter = meter;
            Path = system.NewTempPath();
            system.RegisterTempActor(this);
        }

        public override ActorPath Path { get; }

        public bool IsTerminated => false;

        public ActorSystem System { get; }

        public override void Tell(object message, IActorRef? sender)
        {
            if (++_count % MeterEvery == 0)
            {
                _meter.Add(MeterEvery);
            }

            if (_count % ActorAckEvery == 0)
            {
                sender?.Tell(Ack, this);
            }
        }

        public void SendSystemMessage(SystemMessage message)
        {
            // Nothing watches it.
        }
    }

    private sealed class AckCollector(SemaphoreSlim acks) : ActorBase
    {
        protected internal override bool Receive(object message)
        {
            acks.Release();
            return true;
        }
    }

    private sealed class Ponger : ActorBase
    {
        protected internal override bool Receive(object message)
        {
            Sender.Tell(message, Self);
            return true;
        }
    }

    private sealed class Pinger(IActorRef target, Meter meter, StopFlag stopping) : ActorBase
    {
        protected internal override bool Receive(object message)
        {
            if (Sender.Path.Address.HasGlobalScope && Sender.Path.Address != Self.Path.Address)
            {
                // A pong: the round trip moved two messages.
                meter.Add(2);
            }

            if (!stopping.Value)
            {
                target.Tell(message, Self);
            }

            return true;
        }
    }

    private sealed class StopFlag
    {
        private volatile bool _value;

        public bool Value
        {
            get => _value;
            set => _value = value;
        }
    }
}

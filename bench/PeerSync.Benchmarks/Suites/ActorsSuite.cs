using System.Threading.Channels;
using PeerSync.Actors;
using PeerSync.Benchmarks.Harness;

namespace PeerSync.Benchmarks.Suites;

/// <summary>
/// In-process messaging: the actor runtime against bare System.Threading.Channels (the floor any
/// actor layer sits on) with the same three shapes and message counts.
/// - ping-pong: two parties bounce one message back and forth.
/// - tell: one sender thread, one receiver, no replies.
/// - fan-in: 100 senders, one receiver.
/// </summary>
public sealed class ActorsSuite : IBenchmarkSuite
{
    private static readonly object Message = new();

    public string Name => "actors";

    public string Description => "messages/s for ping-pong, tell and fan-in, actors vs bare channels";

    public async Task RunAsync(BenchmarkContext context)
    {
        var repetitions = context.Quick ? 2 : 5;
        var tellCount = context.Quick ? 2_000_000 : 10_000_000;
        var pingPongCount = context.Quick ? 200_000 : 1_000_000;
        const int senders = 100;
        var fanInPerSender = tellCount / senders;

        await using var system = ActorSystem.Create("bench");

        context.Progress($"ping-pong: {pingPongCount:N0} round trips");
        Report(context, "ping-pong", await Measure.BestRateAsync(pingPongCount * 2L, repetitions, () => ActorPingPong(system, pingPongCount)));
        Report(context, "floor:ping-pong", await Measure.BestRateAsync(pingPongCount * 2L, repetitions, () => ChannelPingPong(pingPongCount)));

        context.Progress($"tell: {tellCount:N0} messages");
        Report(context, "tell", await Measure.BestRateAsync(tellCount, repetitions, () => ActorTell(system, tellCount)));
        Report(context, "floor:tell", await Measure.BestRateAsync(tellCount, repetitions, () => ChannelTell(tellCount)));

        context.Progress($"fan-in: {senders} senders x {fanInPerSender:N0} messages");
        var total = (long)senders * fanInPerSender;
        Report(context, "fan-in", await Measure.BestRateAsync(total, repetitions, () => ActorFanIn(system, senders, fanInPerSender)));
        Report(context, "floor:fan-in", await Measure.BestRateAsync(total, repetitions, () => ChannelFanIn(senders, fanInPerSender)));
    }

    private static void Report(BenchmarkContext context, string @case, double rate) =>
        context.Report(@case, "throughput", rate, "msg/s", @case.StartsWith("floor:", StringComparison.Ordinal) ? null : "floor:" + @case);

    private static Task ActorTell(ActorSystem system, int count)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = system.ActorOf(Props.Create(() => new CountingReceiver(count, done)));
        for (var i = 0; i < count; i++)
        {
            receiver.Tell(Message, null);
        }

        return StopAfter(system, receiver, done.Task);
    }

    private static async Task ChannelTell(int count)
    {
        var channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var consumer = Consume(channel.Reader, count);
        for (var i = 0; i < count; i++)
        {
            channel.Writer.TryWrite(Message);
        }

        await consumer;
    }

    private static Task ActorFanIn(ActorSystem system, int senders, int perSender)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = system.ActorOf(Props.Create(() => new CountingReceiver(senders * perSender, done)));
        var actors = Enumerable.Range(0, senders).Select(_ => system.ActorOf(Props.Create(() => new Sender(receiver, perSender)))).ToList();
        foreach (var sender in actors)
        {
            sender.Tell(Message, null);
        }

        return StopAfter(system, receiver, done.Task, actors);
    }

    private static async Task ChannelFanIn(int senders, int perSender)
    {
        var channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
        var consumer = Consume(channel.Reader, senders * perSender);
        var producers = Enumerable.Range(0, senders).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < perSender; i++)
            {
                channel.Writer.TryWrite(Message);
            }
        })).ToArray();
        await Task.WhenAll(producers);
        await consumer;
    }

    private static Task ActorPingPong(ActorSystem system, int roundTrips)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pong = system.ActorOf(Props.Create(() => new Ponger()));
        var ping = system.ActorOf(Props.Create(() => new Pinger(pong, roundTrips, done)));
        ping.Tell(Message, null);
        return StopAfter(system, ping, done.Task, [pong]);
    }

    private static async Task ChannelPingPong(int roundTrips)
    {
        var toPong = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var toPing = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var pong = Task.Run(async () =>
        {
            for (var i = 0; i < roundTrips; i++)
            {
                var m = await toPong.Reader.ReadAsync();
                toPing.Writer.TryWrite(m);
            }
        });
        var ping = Task.Run(async () =>
        {
            toPong.Writer.TryWrite(Message);
            for (var i = 1; i < roundTrips; i++)
            {
                var m = await toPing.Reader.ReadAsync();
                toPong.Writer.TryWrite(m);
            }

            await toPing.Reader.ReadAsync();
        });
        await Task.WhenAll(ping, pong);
    }

    private static async Task Consume(ChannelReader<object> reader, long expected)
    {
        long received = 0;
        while (received < expected && await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out _))
            {
                received++;
            }
        }
    }

    private static async Task StopAfter(ActorSystem system, IActorRef main, Task done, IEnumerable<IActorRef>? others = null)
    {
        await done;
        system.Stop(main);
        foreach (var other in others ?? [])
        {
            system.Stop(other);
        }
    }

    private sealed class CountingReceiver : UntypedActor
    {
        private readonly int _expected;
        private readonly TaskCompletionSource _done;
        private int _received;

        public CountingReceiver(int expected, TaskCompletionSource done)
        {
            _expected = expected;
            _done = done;
        }

        protected override void OnReceive(object message)
        {
            if (++_received == _expected)
            {
                _done.TrySetResult();
            }
        }
    }

    private sealed class Sender(IActorRef target, int count) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            for (var i = 0; i < count; i++)
            {
                target.Tell(Message, null);
            }
        }
    }

    private sealed class Ponger : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }

    private sealed class Pinger(IActorRef pong, int roundTrips, TaskCompletionSource done) : UntypedActor
    {
        private int _left = roundTrips;

        protected override void OnReceive(object message)
        {
            if (Sender.Equals(pong) && --_left == 0)
            {
                done.TrySetResult();
                return;
            }

            pong.Tell(message, Self);
        }
    }
}

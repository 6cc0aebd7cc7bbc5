using System.Collections.Concurrent;
using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// The data plane under contention: several threads telling at once through a small connection
/// send queue (back-pressure on every batch), messages of mixed sizes. Each thread's messages
/// arrive once and in its order; nothing is dead-lettered.
/// </summary>
public sealed class DataPlaneStressTests
{
    public static TheoryData<TransportKind> Kinds => [TransportKind.InMemory, TransportKind.Tcp];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Concurrent_senders_through_a_small_send_queue_deliver_each_thread_in_order_exactly_once(TransportKind kind)
    {
        const int Threads = 4;
        const int PerThread = 1_500;
        void Small(Remote.Configuration.RemoteOptions o)
        {
            o.MaxFrameSizeBytes = 64 * 1024;
            o.SendQueueSizeBytes = (64 * 1024) + 4;
            o.Link.MaxBatchBytes = 16 * 1024;
        }

        var network = new TestNetwork(kind);
        await using var a = await RemoteTestNode.StartAsync(network, "a", Small);
        await using var b = await RemoteTestNode.StartAsync(network, "b", Small);
        a.System.Serialization().AddJson<Numbered>("test.numbered");
        b.System.Serialization().AddJson<Numbered>("test.numbered");
        var received = new ConcurrentQueue<Numbered>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.System.ActorOf(Props.Create(() => new Collector(received, Threads * PerThread, done)), "collector");
        var target = a.RefTo(b, "/user/collector");

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                // Mostly small, every 50th about 20 KB: batches of very different shapes.
                var filler = new string('x', i % 50 == 0 ? 20_000 : i % 7);
                target.Tell(new Numbered(t, i, filler), null);
            }
        })));

        await done.Task.Within(60);
        Assert.Empty(a.DeadLetters);
        foreach (var thread in received.GroupBy(m => m.Thread))
        {
            Assert.Equal(Enumerable.Range(0, PerThread), thread.Select(m => m.Index));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Senders_alternating_lone_messages_and_bursts_deliver_each_thread_in_order_exactly_once(TransportKind kind)
    {
        // A lone message on an idle link is flushed by its sender's thread; the burst after it is
        // left to the writer loop; the next lone message finds the loop parked again. Three
        // threads doing this at once hand the link back and forth between senders and the loop.
        const int Threads = 3;
        const int Rounds = 40;
        const int Burst = 25;
        var network = new TestNetwork(kind);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        a.System.Serialization().AddJson<Numbered>("test.numbered");
        b.System.Serialization().AddJson<Numbered>("test.numbered");
        var received = new ConcurrentQueue<Numbered>();
        var perThread = new int[Threads];
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.System.ActorOf(Props.Create(() => new Collector(received, Threads * Rounds * (Burst + 1), done, perThread)), "collector");
        var target = a.RefTo(b, "/user/collector");

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            var index = 0;
            for (var round = 0; round < Rounds; round++)
            {
                target.Tell(new Numbered(t, index++, ""), null);
                var expected = index;
                Assert.True(
                    SpinWait.SpinUntil(() => Volatile.Read(ref perThread[t]) >= expected, TimeSpan.FromSeconds(30)),
                    $"thread {t}: message {expected - 1} was not delivered");
                for (var i = 0; i < Burst; i++)
                {
                    target.Tell(new Numbered(t, index++, ""), null);
                }
            }
        })));

        await done.Task.Within(60);
        Assert.Empty(a.DeadLetters);
        foreach (var thread in received.GroupBy(m => m.Thread))
        {
            Assert.Equal(Enumerable.Range(0, Rounds * (Burst + 1)), thread.Select(m => m.Index));
        }
    }

    private sealed record Numbered(int Thread, int Index, string Filler);

    private sealed class Collector(ConcurrentQueue<Numbered> received, int expected, TaskCompletionSource done, int[]? perThread = null) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is not Numbered numbered)
            {
                return false;
            }

            received.Enqueue(numbered);
            if (perThread is not null)
            {
                Interlocked.Increment(ref perThread[numbered.Thread]);
            }

            if (received.Count == expected)
            {
                done.TrySetResult();
            }

            return true;
        }
    }
}

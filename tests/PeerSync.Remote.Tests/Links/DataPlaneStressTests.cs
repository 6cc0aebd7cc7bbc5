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

    private sealed record Numbered(int Thread, int Index, string Filler);

    private sealed class Collector(ConcurrentQueue<Numbered> received, int expected, TaskCompletionSource done) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is not Numbered numbered)
            {
                return false;
            }

            received.Enqueue(numbered);
            if (received.Count == expected)
            {
                done.TrySetResult();
            }

            return true;
        }
    }
}

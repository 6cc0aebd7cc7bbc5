using PeerSync.Remote.Endpoints;

namespace PeerSync.Remote.Tests.Endpoints;

/// <summary>The senders-to-writer queue: each producer's envelopes come out once, in its order, whatever the interleaving.</summary>
public sealed class OutboundQueueTests
{
    private static OutboundEnvelope Numbered(int producer, int index) => new() { Sequence = ((ulong)producer << 32) | (uint)index };

    [Fact]
    public void OutboundQueue_is_empty_when_new_and_after_taking_everything()
    {
        var queue = new OutboundQueue();
        Assert.True(queue.IsEmpty);
        Assert.False(queue.TryDequeue(out _));

        queue.Enqueue(Numbered(0, 1));
        Assert.False(queue.IsEmpty);
        Assert.True(queue.TryDequeue(out var taken));
        Assert.Equal(1UL, taken.Sequence);
        Assert.True(queue.IsEmpty);
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void OutboundQueue_gives_envelopes_in_append_order_when_one_at_a_time_alternates_with_bursts()
    {
        // One element at a time exercises the placeholder node every time; bursts exercise the links.
        var queue = new OutboundQueue();
        var next = 0;
        var expected = 0;
        for (var round = 0; round < 200; round++)
        {
            var burst = round % 3 == 0 ? 1 : round % 17;
            for (var i = 0; i < burst; i++)
            {
                queue.Enqueue(Numbered(0, next++));
            }

            while (queue.TryDequeue(out var taken))
            {
                Assert.Equal((ulong)expected++, taken.Sequence);
                Assert.Null(taken.Next);
            }
        }

        Assert.Equal(next, expected);
    }

    [Fact]
    public void OutboundQueue_reuses_an_envelope_once_it_was_taken()
    {
        // Nothing in a taken envelope ties it to the queue: it may be appended again at once.
        var queue = new OutboundQueue();
        var envelope = Numbered(0, 7);
        for (var i = 0; i < 10; i++)
        {
            queue.Enqueue(envelope);
            Assert.True(queue.TryDequeue(out var taken));
            Assert.Same(envelope, taken);
        }

        Assert.True(queue.IsEmpty);
    }

    [Fact]
    public void OutboundQueue_keeps_no_taken_envelope_alive()
    {
        // Envelopes are not pooled: the writer drops each one after copying it into the
        // unacknowledged ring, and that only keeps memory flat if the queue drops it too (its
        // placeholder node must not link to the last envelope taken).
        var queue = new OutboundQueue();
        var taken = AppendAndTake(queue, count: 3);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.All(taken, weak => Assert.False(weak.IsAlive));
        Assert.True(queue.IsEmpty);
    }

    /// <summary>In a method of its own, so that no local of the test keeps the envelopes reachable.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static List<WeakReference> AppendAndTake(OutboundQueue queue, int count)
    {
        var taken = new List<WeakReference>();
        for (var i = 0; i < count; i++)
        {
            queue.Enqueue(Numbered(0, i));
        }

        while (queue.TryDequeue(out var envelope))
        {
            taken.Add(new WeakReference(envelope));
        }

        Assert.Equal(count, taken.Count);
        return taken;
    }

    [Fact]
    public async Task OutboundQueue_delivers_each_producers_envelopes_once_and_in_order_when_producers_race_a_consumer()
    {
        const int Producers = 4;
        const int PerProducer = 50_000;
        var queue = new OutboundQueue();
        var start = new Barrier(Producers + 1);
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < PerProducer; i++)
            {
                queue.Enqueue(Numbered(p, i));
            }
        })).ToArray();

        var consumer = Task.Run(() =>
        {
            var nextOf = new int[Producers];
            var total = 0;
            start.SignalAndWait();
            var spin = default(SpinWait);
            while (total < Producers * PerProducer)
            {
                if (!queue.TryDequeue(out var taken))
                {
                    // Empty, or an append is between its exchange and its link: look again.
                    spin.SpinOnce();
                    continue;
                }

                var producer = (int)(taken.Sequence >> 32);
                var index = (int)(uint)taken.Sequence;
                Assert.Equal(nextOf[producer], index);
                nextOf[producer]++;
                total++;
            }

            return nextOf;
        });

        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(60));
        var counts = await consumer.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(counts, c => Assert.Equal(PerProducer, c));
        Assert.True(queue.IsEmpty);
    }
}

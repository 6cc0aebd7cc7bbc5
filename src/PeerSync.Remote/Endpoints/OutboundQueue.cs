using System.Runtime.InteropServices;

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// The queue from senders to a link's writer: many producers, one consumer at a time, linked
/// through the envelopes themselves (<see cref="OutboundEnvelope.Next"/>), after Dmitry Vyukov's
/// intrusive MPSC queue. Why not ConcurrentQueue: at millions of messages per second its segments
/// (which are never reused, and grow to a million slots, i.e. 16 MiB on the large object heap) were
/// a steady stream of garbage, and each operation took a compare-and-swap loop. Here an append is
/// one atomic exchange that never retries and a take is plain reads, and the queue allocates
/// nothing of its own.
/// <para>
/// Order: each producer's appends are taken in the order it made them (the exchange on the tail
/// linearizes appends). An append becomes visible once its producer linked it to its predecessor;
/// a producer preempted between the exchange and the link hides what others appended after it
/// until it resumes, so <see cref="TryDequeue"/> may say "empty" while appends are in progress.
/// Callers cope by having every producer signal the consumer after its append (the association
/// does), so the consumer always looks again once the link is complete.
/// </para>
/// <para>
/// One consumer at a time: <see cref="TryDequeue"/> and <see cref="IsEmpty"/> must not run
/// concurrently with each other (the association holds its take lock or its writing flag).
/// </para>
/// <para>
/// The head (written by the consumer at every take) and the tail (swapped by producers at every
/// append) sit 128 bytes apart, on cache lines of their own: side by side, every append and every
/// take would pull the same line from the other core.
/// </para>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 3 * CacheLinePairBytes)]
internal sealed class OutboundQueue
{
    /// <summary>Two cache lines: adjacent lines are fetched in pairs on common x64 cores.</summary>
    private const int CacheLinePairBytes = 128;

    /// <summary>Placeholder node, so the queue is never without a node and producers never touch the head.</summary>
    [FieldOffset(0)]
    private readonly OutboundEnvelope _stub = new();

    /// <summary>The next node to take (or the stub); consumer-owned.</summary>
    [FieldOffset(CacheLinePairBytes)]
    private OutboundEnvelope _head;

    /// <summary>The node appended last; producers swap themselves in.</summary>
    [FieldOffset(2 * CacheLinePairBytes)]
    private OutboundEnvelope _tail;

    public OutboundQueue()
    {
        _head = _stub;
        _tail = _stub;
    }

    /// <summary>
    /// Whether nothing is visible to take (consumer side; see the class notes for appends in
    /// progress, which may not be visible yet).
    /// </summary>
    public bool IsEmpty => ReferenceEquals(_head, _stub) && Volatile.Read(ref _stub.Next) is null;

    /// <summary>Appends <paramref name="envelope"/>, which must not be in the queue already. Thread-safe, wait-free.</summary>
    public void Enqueue(OutboundEnvelope envelope)
    {
        envelope.Next = null;
        var previous = Interlocked.Exchange(ref _tail, envelope);
        Volatile.Write(ref previous.Next, envelope);
    }

    /// <summary>Takes the oldest visible envelope; false when none is visible. One consumer at a time.</summary>
    public bool TryDequeue(out OutboundEnvelope envelope)
    {
        var head = _head;
        var next = Volatile.Read(ref head.Next);
        if (ReferenceEquals(head, _stub))
        {
            if (next is null)
            {
                envelope = null!;
                return false;
            }

            // Step over the stub: the first real node becomes the head.
            _head = next;
            head = next;
            next = Volatile.Read(ref head.Next);
        }

        if (next is not null)
        {
            envelope = Advance(head, next);
            return true;
        }

        if (!ReferenceEquals(head, Volatile.Read(ref _tail)))
        {
            // A producer swapped itself in behind the head but has not linked yet: it will, and
            // then signal the consumer.
            envelope = null!;
            return false;
        }

        // The head is the last node: put the stub behind it, so the head can be handed out
        // without leaving the queue without a node.
        Enqueue(_stub);
        next = Volatile.Read(ref head.Next);
        if (next is not null)
        {
            envelope = Advance(head, next);
            return true;
        }

        // Another producer came between the tail check and the stub, and has not linked yet.
        envelope = null!;
        return false;
    }

    /// <summary>Hands out <paramref name="head"/>, whose successor <paramref name="next"/> becomes the head.</summary>
    private OutboundEnvelope Advance(OutboundEnvelope head, OutboundEnvelope next)
    {
        _head = next;
        head.Next = null;
        return head;
    }
}

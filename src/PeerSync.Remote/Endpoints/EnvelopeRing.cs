using PeerSync.Actors;
using PeerSync.Remote.Refs;

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// The sent-but-unacknowledged entries of a link, in sequence order: appended by the writer,
/// removed from the front by acknowledgements, read by index when resending. The entries are
/// structs copied out of the envelopes (which are garbage as soon as they are sent, so they die
/// young): an acknowledgement of hundreds of entries is then one sum and one
/// clear over contiguous memory, instead of a visit to each envelope, long gone cold, on the
/// reader's thread. A growable ring, so steady traffic allocates nothing. Not thread-safe: the
/// association guards it with a lock.
/// </summary>
internal sealed class EnvelopeRing
{
    private SentEntry[] _items = new SentEntry[256];
    private int _head;

    public int Count { get; private set; }

    public ref readonly SentEntry this[int index] => ref _items[(_head + index) & (_items.Length - 1)];

    /// <summary>Copies what a resend or a dead letter needs out of <paramref name="envelope"/>, which the caller may then recycle.</summary>
    public void Add(OutboundEnvelope envelope)
    {
        if (Count == _items.Length)
        {
            var bigger = new SentEntry[_items.Length * 2];
            var first = _items.Length - _head;
            Array.Copy(_items, _head, bigger, 0, first);
            Array.Copy(_items, 0, bigger, first, _head);
            _items = bigger;
            _head = 0;
        }

        _items[(_head + Count) & (_items.Length - 1)] = new SentEntry(envelope);
        Count++;
    }

    /// <summary>Removes and returns the oldest entry.</summary>
    public SentEntry RemoveFirst()
    {
        var first = _items[_head];
        _items[_head] = default;
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        return first;
    }

    /// <summary>Forgets the <paramref name="count"/> oldest entries; returns the sum of their size bounds.</summary>
    public long RemoveFirst(int count)
    {
        if ((uint)count > (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"only {Count} entries are held");
        }

        // At most two runs: up to the end of the array, then from its start.
        var firstRun = Math.Min(count, _items.Length - _head);
        var bytes = SumAndClear(_items.AsSpan(_head, firstRun)) + SumAndClear(_items.AsSpan(0, count - firstRun));
        _head = (_head + count) & (_items.Length - 1);
        Count -= count;
        return bytes;
    }

    private static long SumAndClear(Span<SentEntry> entries)
    {
        long bytes = 0;
        foreach (ref readonly var entry in entries)
        {
            bytes += entry.SizeBound;
        }

        entries.Clear();
        return bytes;
    }
}

/// <summary>An entry the peer has not acknowledged yet: the envelope's content, without the envelope.</summary>
internal readonly struct SentEntry(OutboundEnvelope envelope)
{
    public RemoteActorRef Recipient { get; } = envelope.Recipient;

    public IActorRef? Sender { get; } = envelope.Sender;

    public object Message { get; } = envelope.Message;

    public byte[] Payload { get; } = envelope.Payload;

    public string Manifest { get; } = envelope.Manifest;

    public BoundNode? Target { get; } = envelope.Target;

    public ulong Sequence { get; } = envelope.Sequence;

    public int SerializerId { get; } = envelope.SerializerId;

    public int SizeBound { get; } = envelope.SizeBound;

    public bool IsSystem { get; } = envelope.IsSystem;

    /// <summary>An envelope with this content again (for the dead-letter path, which takes envelopes).</summary>
    public OutboundEnvelope ToEnvelope()
    {
        var envelope = OutboundEnvelope.Create(Recipient, Sender, Message, SerializerId, Manifest, Payload, IsSystem, SizeBound);
        envelope.Target = Target;
        envelope.Sequence = Sequence;
        return envelope;
    }
}

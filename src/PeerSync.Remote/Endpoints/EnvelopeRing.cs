namespace PeerSync.Remote.Endpoints;

/// <summary>
/// The sent-but-unacknowledged entries of a link, in sequence order: appended by the writer,
/// removed from the front by acknowledgements, read by index when resending. The envelopes are
/// structs held in the ring's array: an acknowledgement of hundreds of entries is one sum and one
/// clear over contiguous memory on the reader's thread. A growable ring, so steady traffic
/// allocates nothing. Not thread-safe: the association guards it with a lock.
/// </summary>
internal sealed class EnvelopeRing
{
    private OutboundEnvelope[] _items = new OutboundEnvelope[256];
    private int _head;

    public int Count { get; private set; }

    public ref readonly OutboundEnvelope this[int index] => ref _items[(_head + index) & (_items.Length - 1)];

    public void Add(in OutboundEnvelope envelope)
    {
        if (Count == _items.Length)
        {
            var bigger = new OutboundEnvelope[_items.Length * 2];
            var first = _items.Length - _head;
            Array.Copy(_items, _head, bigger, 0, first);
            Array.Copy(_items, 0, bigger, first, _head);
            _items = bigger;
            _head = 0;
        }

        _items[(_head + Count) & (_items.Length - 1)] = envelope;
        Count++;
    }

    /// <summary>Removes and returns the oldest entry.</summary>
    public OutboundEnvelope RemoveFirst()
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

    private static long SumAndClear(Span<OutboundEnvelope> entries)
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

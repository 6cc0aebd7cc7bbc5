namespace PeerSync.Remote.Endpoints;

/// <summary>
/// The sent-but-unacknowledged entries of a link, in sequence order: appended by the writer,
/// removed from the front by acknowledgements, read by index when resending. A growable ring, so
/// steady traffic allocates nothing. Not thread-safe: the association guards it with a lock.
/// </summary>
internal sealed class EnvelopeRing
{
    private OutboundEnvelope?[] _items = new OutboundEnvelope?[256];
    private int _head;

    public int Count { get; private set; }

    public OutboundEnvelope this[int index] => _items[(_head + index) & (_items.Length - 1)]!;

    public void Add(OutboundEnvelope envelope)
    {
        if (Count == _items.Length)
        {
            var bigger = new OutboundEnvelope?[_items.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                bigger[i] = this[i];
            }

            _items = bigger;
            _head = 0;
        }

        _items[(_head + Count) & (_items.Length - 1)] = envelope;
        Count++;
    }

    public OutboundEnvelope RemoveFirst()
    {
        var first = _items[_head]!;
        _items[_head] = null;
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        return first;
    }

    /// <summary>Moves the first <paramref name="count"/> entries into <paramref name="into"/> (oldest first) and forgets them.</summary>
    public void RemoveFirst(int count, OutboundEnvelope?[] into)
    {
        if ((uint)count > (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"only {Count} entries are held");
        }

        // At most two runs: up to the end of the array, then from its start.
        var first = Math.Min(count, _items.Length - _head);
        Array.Copy(_items, _head, into, 0, first);
        Array.Clear(_items, _head, first);
        Array.Copy(_items, 0, into, first, count - first);
        Array.Clear(_items, 0, count - first);
        _head = (_head + count) & (_items.Length - 1);
        Count -= count;
    }
}

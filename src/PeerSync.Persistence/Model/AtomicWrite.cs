namespace PeerSync.Persistence.Model;

/// <summary>
/// Events of ONE persistence id with contiguous ascending sequence nrs that a journal stores
/// all-or-nothing (what <c>PersistAll</c> hands down). Validated on construction, so a journal
/// never sees a write that could half-apply.
/// </summary>
public sealed class AtomicWrite
{
    public AtomicWrite(PersistentRepr single)
        : this([single ?? throw new ArgumentNullException(nameof(single))])
    {
    }

    public AtomicWrite(IReadOnlyList<PersistentRepr> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("an atomic write needs at least one event", nameof(events));
        }

        var first = events[0] ?? throw new ArgumentException("event 0 of the atomic write is null", nameof(events));
        for (var i = 1; i < events.Count; i++)
        {
            var e = events[i] ?? throw new ArgumentException($"event {i} of the atomic write is null", nameof(events));
            if (e.PersistenceId != first.PersistenceId)
            {
                throw new ArgumentException(
                    $"an atomic write holds events of one persistence id; event {i} has '{e.PersistenceId}' but event 0 has '{first.PersistenceId}'",
                    nameof(events));
            }

            if (e.SequenceNr != first.SequenceNr + i)
            {
                throw new ArgumentException(
                    $"the sequence nrs of an atomic write must be contiguous; persistence id '{first.PersistenceId}' event {i} has sequence nr {e.SequenceNr}, expected {first.SequenceNr + i}",
                    nameof(events));
            }
        }

        Events = events.ToArray();
    }

    public PersistenceId PersistenceId => Events[0].PersistenceId;

    public long LowestSequenceNr => Events[0].SequenceNr;

    public long HighestSequenceNr => Events[^1].SequenceNr;

    public IReadOnlyList<PersistentRepr> Events { get; }

    public override string ToString() =>
        $"AtomicWrite({PersistenceId}, {LowestSequenceNr}..{HighestSequenceNr})";
}

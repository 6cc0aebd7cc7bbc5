using PeerSync.Persistence.Model;

namespace PeerSync.Persistence;

/// <summary>
/// How a persistent actor recovers: from the newest snapshot matching <see cref="FromSnapshot"/>,
/// then the events after it up to <see cref="ToSequenceNr"/>, at most <see cref="ReplayMax"/> of
/// them. Whatever is replayed, <c>LastSequenceNr</c> ends at the highest sequence nr stored, so
/// new events never reuse a number.
/// </summary>
public sealed record Recovery
{
    public Recovery(SnapshotSelectionCriteria fromSnapshot, long toSequenceNr = long.MaxValue, long replayMax = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(fromSnapshot);
        ArgumentOutOfRangeException.ThrowIfNegative(toSequenceNr);
        ArgumentOutOfRangeException.ThrowIfNegative(replayMax);
        FromSnapshot = fromSnapshot;
        ToSequenceNr = toSequenceNr;
        ReplayMax = replayMax;
    }

    /// <summary>The latest snapshot, then every event after it (the default).</summary>
    public static Recovery Default { get; } = new(SnapshotSelectionCriteria.Latest);

    /// <summary>
    /// No snapshot and no events: the actor starts empty but continues the stored sequence (for
    /// actors that rebuild their state elsewhere, or only append).
    /// </summary>
    public static Recovery None { get; } = new(SnapshotSelectionCriteria.None, toSequenceNr: 0, replayMax: 0);

    public SnapshotSelectionCriteria FromSnapshot { get; }

    public long ToSequenceNr { get; }

    public long ReplayMax { get; }
}

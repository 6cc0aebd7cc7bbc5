namespace PeerSync.Persistence.Model;

/// <summary>
/// Which snapshots a load or delete considers: those whose sequence nr lies in
/// [<see cref="MinSequenceNr"/>, <see cref="MaxSequenceNr"/>] and whose timestamp (Unix ms) lies in
/// [<see cref="MinTimestampMs"/>, <see cref="MaxTimestampMs"/>], bounds inclusive (a maximum below
/// its minimum matches nothing). A load returns the matching snapshot with the highest sequence nr.
/// </summary>
public sealed record SnapshotSelectionCriteria
{
    public SnapshotSelectionCriteria(
        long maxSequenceNr, long maxTimestampMs, long minSequenceNr = 0, long minTimestampMs = 0)
    {
        if (minSequenceNr < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(minSequenceNr), minSequenceNr, "the minimum sequence nr must not be negative");
        }

        if (minTimestampMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(minTimestampMs), minTimestampMs, "the minimum timestamp must not be negative");
        }

        MaxSequenceNr = maxSequenceNr;
        MaxTimestampMs = maxTimestampMs;
        MinSequenceNr = minSequenceNr;
        MinTimestampMs = minTimestampMs;
    }

    /// <summary>Every snapshot; a load returns the newest one.</summary>
    public static SnapshotSelectionCriteria Latest { get; } = new(long.MaxValue, long.MaxValue);

    /// <summary>No snapshot: recovery replays the whole journal.</summary>
    public static SnapshotSelectionCriteria None { get; } = new(maxSequenceNr: 0, maxTimestampMs: 0, minSequenceNr: 1);

    public long MaxSequenceNr { get; }

    public long MaxTimestampMs { get; }

    public long MinSequenceNr { get; }

    public long MinTimestampMs { get; }

    /// <summary>
    /// These criteria capped at <paramref name="toSequenceNr"/>: recovery up to a given event must
    /// not start from a snapshot taken after it.
    /// </summary>
    public SnapshotSelectionCriteria Limit(long toSequenceNr) =>
        toSequenceNr >= MaxSequenceNr
            ? this
            : new SnapshotSelectionCriteria(toSequenceNr, MaxTimestampMs, MinSequenceNr, MinTimestampMs);

    public bool Matches(SnapshotMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.SequenceNr >= MinSequenceNr && metadata.SequenceNr <= MaxSequenceNr
            && metadata.TimestampMs >= MinTimestampMs && metadata.TimestampMs <= MaxTimestampMs;
    }
}

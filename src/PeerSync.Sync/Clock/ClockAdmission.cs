using PeerSync.Sync.Records;

namespace PeerSync.Sync.Clock;

/// <summary>A remote timestamp refused as too far ahead: the origin, the value and the reason.</summary>
public sealed record ClockRejection(OriginId Origin, Hlc Remote, long SkewMs, string Reason);

/// <summary>Received ranges after the clock check: what may be applied, and what was refused.</summary>
public sealed record AdmittedRanges(IReadOnlyList<ChangeRange> Ranges, IReadOnlyList<ClockRejection> Rejections)
{
    public bool AnyRejected => Rejections.Count > 0;
}

/// <summary>
/// Passes everything received through the node's clock before it is stored (pure). Accepted values
/// advance the clock (the HLC receive rule), so a later local write sorts after them; a value too far
/// ahead is refused and never adopted. A range is cut just before its first refused change (a
/// watermark must stay a contiguous prefix); the sender sees the shortfall in the acknowledgement and
/// retries with backoff until the clocks agree.
/// </summary>
public static class ClockAdmission
{
    public static AdmittedRanges Admit(IReadOnlyList<ChangeRange> ranges, HybridLogicalClock clock, long physicalMs)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(clock);
        var admitted = new List<ChangeRange>(ranges.Count);
        var rejections = new List<ClockRejection>();
        foreach (var range in ranges)
        {
            var kept = new List<RecordVersion>(range.Changes.Count);
            var through = range.ThroughInclusive;
            foreach (var change in range.Changes)
            {
                var result = clock.Receive(change.Stamp.Hlc, physicalMs);
                if (!result.Accepted)
                {
                    rejections.Add(new ClockRejection(range.Origin, change.Stamp.Hlc, result.SkewMs, result.Reason!));
                    through = kept.Count > 0 ? kept[^1].Stamp.Hlc : range.FromExclusive;
                    break;
                }

                kept.Add(change);
            }

            if (through == range.ThroughInclusive)
            {
                // The range end (possibly a seal beyond the last change) is a timestamp too.
                var end = clock.Receive(range.ThroughInclusive, physicalMs);
                if (!end.Accepted)
                {
                    rejections.Add(new ClockRejection(range.Origin, range.ThroughInclusive, end.SkewMs, end.Reason!));
                    through = kept.Count > 0 ? kept[^1].Stamp.Hlc : range.FromExclusive;
                }
            }

            admitted.Add(range with { ThroughInclusive = through, Changes = kept });
        }

        return new AdmittedRanges(admitted, rejections);
    }

    /// <summary>Snapshot and repair records: those too far ahead are left out (and reported).</summary>
    public static (IReadOnlyList<RecordVersion> Admitted, IReadOnlyList<ClockRejection> Rejections) AdmitVersions(
        IReadOnlyList<RecordVersion> versions, HybridLogicalClock clock, long physicalMs)
    {
        ArgumentNullException.ThrowIfNull(versions);
        ArgumentNullException.ThrowIfNull(clock);
        var admitted = new List<RecordVersion>(versions.Count);
        var rejections = new List<ClockRejection>();
        foreach (var version in versions)
        {
            var result = clock.Receive(version.Stamp.Hlc, physicalMs);
            if (result.Accepted)
            {
                admitted.Add(version);
            }
            else
            {
                rejections.Add(new ClockRejection(version.Stamp.Origin, version.Stamp.Hlc, result.SkewMs, result.Reason!));
            }
        }

        return (admitted, rejections);
    }
}

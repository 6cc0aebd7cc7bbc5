using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage;

/// <summary>
/// Contiguity rules for stream ranges, pure, shared by every store implementation.
/// </summary>
public static class StreamRules
{
    /// <summary>
    /// How a range is handled by a store whose applied watermark for the origin is
    /// <paramref name="applied"/>: own ranges are never applied; a range starting beyond the
    /// watermark is a gap (applying it would leave a hole the watermark could not describe); a range
    /// ending at or below it is a duplicate; otherwise the changes above the watermark apply.
    /// </summary>
    public static RangeApplyStatus Classify(ChangeRange range, Hlc applied, OriginId self)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (range.Origin == self)
        {
            return RangeApplyStatus.OwnOrigin;
        }

        if (range.FromExclusive > applied)
        {
            return RangeApplyStatus.Gap;
        }

        return range.ThroughInclusive <= applied ? RangeApplyStatus.Duplicate : RangeApplyStatus.Applied;
    }
}

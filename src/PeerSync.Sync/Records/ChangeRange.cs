using PeerSync.Sync.Clock;

namespace PeerSync.Sync.Records;

/// <summary>
/// A slice of one origin's stream: the sender asserts that <see cref="Changes"/> are all of the
/// origin's changes it holds with positions in (<see cref="FromExclusive"/>,
/// <see cref="ThroughInclusive"/>] (owned records coalesced to their newest version). A receiver
/// whose applied watermark for the origin is at least <see cref="FromExclusive"/> applies it and
/// advances to <see cref="ThroughInclusive"/>; otherwise the range is a gap and is not applied.
/// An empty range advances the watermark too (a stream seal).
/// </summary>
public sealed record ChangeRange(OriginId Origin, Hlc FromExclusive, Hlc ThroughInclusive, IReadOnlyList<RecordVersion> Changes)
{
    public int Count => Changes.Count;

    /// <summary>Null when the range is well formed, else the problem (for ranges from the wire).</summary>
    public string? Validate()
    {
        if (ThroughInclusive < FromExclusive)
        {
            return $"range of {Origin} ends at {ThroughInclusive}, before it starts ({FromExclusive})";
        }

        var previous = FromExclusive;
        foreach (var change in Changes)
        {
            if (change.Stamp.Origin != Origin)
            {
                return $"range of {Origin} holds a change of {change.Stamp.Origin} ({change.Collection}/{change.Key})";
            }

            if (change.Stamp.Hlc <= previous || change.Stamp.Hlc > ThroughInclusive)
            {
                return $"range of {Origin} ({FromExclusive}, {ThroughInclusive}] holds change {change.Stamp.Hlc} out of order or out of range";
            }

            previous = change.Stamp.Hlc;
            var error = change.Validate();
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }
}

namespace PeerSync.Node.Metrics;

/// <summary>
/// One time series of an instrument: its tag set and its running value (a sum or last value), or
/// its histogram buckets. Guarded by its instrument's lock.
/// </summary>
internal sealed class MetricSeries
{
    public MetricSeries(KeyValuePair<string, object?>[] tags, int hash, string labels, int bucketCount)
    {
        Tags = tags;
        Hash = hash;
        Labels = labels;
        BucketCounts = bucketCount > 0 ? new long[bucketCount] : null;
    }

    /// <summary>The tags as recorded (for matching later measurements).</summary>
    public KeyValuePair<string, object?>[] Tags { get; }

    /// <summary>Order-insensitive hash of <see cref="Tags"/>.</summary>
    public int Hash { get; }

    /// <summary>The rendered label set, `a="x",b="y"` sorted by name, constant labels included; empty for none.</summary>
    public string Labels { get; }

    /// <summary>The next series whose tags have the same hash.</summary>
    public MetricSeries? NextWithSameHash { get; set; }

    public double Value { get; set; }

    /// <summary>Per bucket (not cumulative), the last one being +Inf; null unless a histogram.</summary>
    public long[]? BucketCounts { get; }

    public double Sum { get; set; }

    public long Count { get; set; }

    public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length != Tags.Length)
        {
            return false;
        }

        foreach (var tag in tags)
        {
            var found = false;
            foreach (var mine in Tags)
            {
                if (string.Equals(mine.Key, tag.Key, StringComparison.Ordinal) && Equals(mine.Value, tag.Value))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}

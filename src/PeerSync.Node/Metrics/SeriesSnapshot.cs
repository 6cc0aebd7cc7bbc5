namespace PeerSync.Node.Metrics;

/// <summary>A series' values at a scrape, copied out of the instrument's lock.</summary>
internal sealed class SeriesSnapshot(string labels, double value, long[]? bucketCounts, double sum, long count)
{
    public string Labels { get; } = labels;

    public double Value { get; set; } = value;

    public long[]? BucketCounts { get; } = bucketCounts;

    public double Sum { get; set; } = sum;

    public long Count { get; set; } = count;
}

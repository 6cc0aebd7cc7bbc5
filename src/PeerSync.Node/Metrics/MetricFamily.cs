namespace PeerSync.Node.Metrics;

/// <summary>
/// One Prometheus metric family at a scrape: every instrument whose name maps to <see cref="Name"/>
/// (the same instrument in several meters, such as two nodes in one process) merged by label set.
/// </summary>
internal sealed class MetricFamily(string name, MetricKind kind, string? help, double[]? bounds)
{
    public string Name { get; } = name;

    public MetricKind Kind { get; } = kind;

    public string? Help { get; } = help;

    public double[]? Bounds { get; } = bounds;

    /// <summary>By rendered label set, in order, so the output is stable from scrape to scrape.</summary>
    public SortedDictionary<string, SeriesSnapshot> Series { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="aggregate"/> can join this family: same type, and for histograms the same buckets.</summary>
    public bool Accepts(InstrumentAggregate aggregate) =>
        aggregate.Kind == Kind && (Bounds is null || (aggregate.Bounds is not null && Bounds.AsSpan().SequenceEqual(aggregate.Bounds)));

    public void Merge(InstrumentAggregate aggregate)
    {
        foreach (var series in aggregate.Snapshot())
        {
            if (!Series.TryGetValue(series.Labels, out var existing))
            {
                Series[series.Labels] = series;
            }
            else if (!aggregate.SumsAcrossInstruments)
            {
                existing.Value = series.Value;
            }
            else
            {
                existing.Value += series.Value;
                existing.Sum += series.Sum;
                existing.Count += series.Count;
                if (existing.BucketCounts is { } counts && series.BucketCounts is { } more)
                {
                    for (var i = 0; i < counts.Length; i++)
                    {
                        counts[i] += more[i];
                    }
                }
            }
        }
    }
}

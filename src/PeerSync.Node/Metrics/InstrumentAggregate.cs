using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace PeerSync.Node.Metrics;

/// <summary>
/// What the exporter keeps of one instrument: a series per tag set, summed (counters, up-down
/// counters), last value (gauges and every observable instrument, whose callbacks report current
/// totals) or bucketed (histograms). Series are bounded by <see cref="MaxSeries"/>; measurements
/// past it are counted in one overflow series labelled `otel_metric_overflow="true"`, so nothing
/// is dropped silently.
/// </summary>
internal sealed class InstrumentAggregate
{
    /// <summary>Tag sets kept per instrument: far above any of ours (a few per peer), low enough that a tag bug cannot exhaust memory.</summary>
    public const int MaxSeries = 2000;

    private static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
    private static readonly double[] SecondsBounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly Lock _gate = new();
    private readonly Dictionary<int, MetricSeries> _series = [];
    private readonly KeyValuePair<string, string>[] _constantLabels;
    private readonly bool _sums;
    private readonly bool _isGauge;
    private MetricSeries? _overflow;
    private int _count;

    private InstrumentAggregate(Instrument instrument, MetricKind kind, bool sums, bool observable, double[]? bounds)
    {
        Instrument = instrument;
        Kind = kind;
        _sums = sums;
        var definition = instrument.GetType().GetGenericTypeDefinition();
        _isGauge = definition == typeof(Gauge<>) || definition == typeof(ObservableGauge<>);
        IsObservable = observable;
        Bounds = bounds;
        Name = PrometheusNaming.MetricName(instrument.Name, instrument.Unit, kind);
        Help = string.IsNullOrWhiteSpace(instrument.Description) ? null : instrument.Description;
        _constantLabels = (instrument.Meter.Tags ?? []).Concat(instrument.Tags ?? [])
            .Select(t => new KeyValuePair<string, string>(PrometheusNaming.LabelName(t.Key), LabelValue(t.Value)))
            .ToArray();
    }

    public Instrument Instrument { get; }

    public MetricKind Kind { get; }

    /// <summary>The Prometheus family name.</summary>
    public string Name { get; }

    public string? Help { get; }

    public bool IsObservable { get; }

    /// <summary>Upper bounds of the histogram buckets (+Inf implied); null unless a histogram.</summary>
    public double[]? Bounds { get; }

    /// <summary>Whether two instruments feeding one family add up (everything but gauges, whose last value wins).</summary>
    public bool SumsAcrossInstruments => !_isGauge;

    /// <summary>An aggregate for <paramref name="instrument"/>, or null for an instrument type this exporter does not know.</summary>
    public static InstrumentAggregate? Create(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(Counter<>))
        {
            return new(instrument, MetricKind.Counter, sums: true, observable: false, null);
        }

        if (definition == typeof(UpDownCounter<>))
        {
            return new(instrument, MetricKind.Gauge, sums: true, observable: false, null);
        }

        if (definition == typeof(Histogram<>))
        {
            return new(instrument, MetricKind.Histogram, sums: true, observable: false, HistogramBounds(instrument));
        }

        if (definition == typeof(Gauge<>) || definition == typeof(ObservableGauge<>) || definition == typeof(ObservableUpDownCounter<>))
        {
            return new(instrument, MetricKind.Gauge, sums: false, observable: instrument.IsObservable, null);
        }

        if (definition == typeof(ObservableCounter<>))
        {
            return new(instrument, MetricKind.Counter, sums: false, observable: true, null);
        }

        return null;
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = Hash(tags);
        lock (_gate)
        {
            var series = Find(hash, tags) ?? Add(hash, tags);
            if (series.BucketCounts is { } counts)
            {
                var index = Array.BinarySearch(Bounds!, value);
                counts[index >= 0 ? index : ~index]++;
                series.Sum += value;
                series.Count++;
            }
            else if (_sums)
            {
                series.Value += value;
            }
            else
            {
                series.Value = value;
            }
        }
    }

    /// <summary>
    /// Before an observable instrument is observed for a scrape: forget its series, so a tag set
    /// its callback no longer reports disappears instead of showing a stale value forever.
    /// </summary>
    public void BeginObservation()
    {
        lock (_gate)
        {
            _series.Clear();
            _overflow = null;
            _count = 0;
        }
    }

    public List<SeriesSnapshot> Snapshot()
    {
        lock (_gate)
        {
            var snapshots = new List<SeriesSnapshot>(_count + 1);
            foreach (var first in _series.Values)
            {
                for (var series = first; series is not null; series = series.NextWithSameHash)
                {
                    snapshots.Add(Copy(series));
                }
            }

            if (_overflow is not null)
            {
                snapshots.Add(Copy(_overflow));
            }

            return snapshots;
        }
    }

    /// <summary>A tag value as a label value: invariant culture, booleans lower case, null empty.</summary>
    public static string LabelValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static SeriesSnapshot Copy(MetricSeries series) =>
        new(series.Labels, series.Value, (long[]?)series.BucketCounts?.Clone(), series.Sum, series.Count);

    private MetricSeries? Find(int hash, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!_series.TryGetValue(hash, out var series))
        {
            return null;
        }

        for (; series is not null; series = series.NextWithSameHash)
        {
            if (series.Matches(tags))
            {
                return series;
            }
        }

        return null;
    }

    private MetricSeries Add(int hash, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var bucketCount = Bounds is null ? 0 : Bounds.Length + 1;
        if (_count >= MaxSeries)
        {
            return _overflow ??= new MetricSeries([], 0, RenderLabels([new("otel_metric_overflow", "true")]), bucketCount);
        }

        var copy = tags.ToArray();
        var labels = RenderLabels(copy.Select(t => new KeyValuePair<string, string>(PrometheusNaming.LabelName(t.Key), LabelValue(t.Value))));
        var series = new MetricSeries(copy, hash, labels, bucketCount);
        if (_series.TryGetValue(hash, out var first))
        {
            series.NextWithSameHash = first.NextWithSameHash;
            first.NextWithSameHash = series;
        }
        else
        {
            _series[hash] = series;
        }

        _count++;
        return series;
    }

    private string RenderLabels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        // Names that collide once sanitized ("a.b" and "a_b") keep both values, joined by ';'.
        var merged = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in _constantLabels.Concat(labels))
        {
            merged[name] = merged.TryGetValue(name, out var existing) ? existing + ";" + value : value;
        }

        var builder = new StringBuilder();
        foreach (var (name, value) in merged)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(name).Append("=\"");
            PrometheusText.AppendLabelValue(builder, value);
            builder.Append('"');
        }

        return builder.ToString();
    }

    private static int Hash(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Order-insensitive (a sum), so the same tags given in another order find the same series.
        var hash = tags.Length;
        foreach (var tag in tags)
        {
            hash += HashCode.Combine(StringComparer.Ordinal.GetHashCode(tag.Key), tag.Value);
        }

        return hash;
    }

    private static double[] HistogramBounds(Instrument instrument)
    {
        IEnumerable<double>? advised = instrument switch
        {
            Instrument<byte> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<short> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<int> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<long> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<float> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<double> i => i.Advice?.HistogramBucketBoundaries,
            Instrument<decimal> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            _ => null,
        };
        var bounds = advised?.Where(b => !double.IsNaN(b) && !double.IsInfinity(b)).Distinct().Order().ToArray();
        if (bounds is { Length: > 0 })
        {
            return bounds;
        }

        return instrument.Unit == "s" ? SecondsBounds : DefaultBounds;
    }
}

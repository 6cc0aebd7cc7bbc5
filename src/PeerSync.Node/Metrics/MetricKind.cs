namespace PeerSync.Node.Metrics;

/// <summary>A Prometheus metric type, as instruments map onto it.</summary>
internal enum MetricKind
{
    /// <summary>Counter and ObservableCounter: monotonic, a `_total` sample.</summary>
    Counter,

    /// <summary>UpDownCounter, ObservableUpDownCounter, Gauge and ObservableGauge: a value that can fall.</summary>
    Gauge,

    /// <summary>Histogram: cumulative `_bucket{le}` samples, `_sum` and `_count`.</summary>
    Histogram,
}

using PeerSync.Node.Metrics;

namespace PeerSync.Node.Tests.Metrics;

public sealed class PrometheusNamingTests
{
    [Theory]
    [InlineData("peersync.sync.changes.applied", "{change}", "Counter", "peersync_sync_changes_applied_total")]
    [InlineData("requests_total", null, "Counter", "requests_total")]
    [InlineData("peersync.http.duration", "ms", "Histogram", "peersync_http_duration_milliseconds")]
    [InlineData("peersync.process.cpu.time", "s", "Counter", "peersync_process_cpu_time_seconds_total")]
    [InlineData("disk.size", "By", "Gauge", "disk_size_bytes")]
    [InlineData("queue.ratio", "1", "Gauge", "queue_ratio")]
    [InlineData("cache.hit", "1", "Gauge", "cache_hit_ratio")]
    [InlineData("cache.hits", "1", "Counter", "cache_hits_total")]
    [InlineData("link.throughput", "By/s", "Gauge", "link_throughput_bytes_per_second")]
    [InlineData("wait.seconds", "s", "Gauge", "wait_seconds")]
    [InlineData("9lives", null, "Gauge", "_9lives")]
    [InlineData("a..b--c", null, "Gauge", "a_b_c")]
    [InlineData("temp", "Cel", "Gauge", "temp_celsius")]
    [InlineData("odd", "furlong", "Gauge", "odd_furlong")]
    [InlineData("peersync.writes", "{write}/s", "Gauge", "peersync_writes_per_second")]
    public void Metric_names_follow_the_opentelemetry_prometheus_rules(string name, string? unit, string kind, string expected) =>
        Assert.Equal(expected, PrometheusNaming.MetricName(name, unit, Enum.Parse<MetricKind>(kind)));

    [Theory]
    [InlineData("http.route", "http_route")]
    [InlineData("1st", "key_1st")]
    [InlineData("peer-id", "peer_id")]
    public void Label_names_are_sanitized(string tag, string label) =>
        Assert.Equal(label, PrometheusNaming.LabelName(tag));
}

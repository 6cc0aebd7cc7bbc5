using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using PeerSync.Node.Metrics;
using PeerSync.TestKit;

namespace PeerSync.Node.Tests.Metrics;

/// <summary>
/// The exporter's text for each instrument kind, compared with hand-written exposition text. Each
/// test listens to its own meter only, so tests running in parallel do not see each other.
/// </summary>
public sealed class PrometheusExporterTests : IDisposable
{
    private readonly Meter _meter = new("PeerSync.Tests." + Guid.NewGuid().ToString("N"));
    private readonly LogCapture _logs = new();
    private readonly PrometheusExporter _exporter;

    public PrometheusExporterTests()
    {
        _exporter = new PrometheusExporter(m => m == _meter, new LoggerFactory([_logs]).CreateLogger("metrics"));
    }

    public void Dispose()
    {
        _exporter.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void Counter_is_a_total_per_tag_set_whatever_the_order_of_the_tags()
    {
        var requests = _meter.CreateCounter<long>("peersync.test.requests", "{request}", "Requests served.");
        requests.Add(2, new("method", "GET"), new("status", 200));
        requests.Add(3, new("status", 200), new("method", "GET"));
        requests.Add(1, new("method", "PUT"), new("status", 409));

        Assert.Equal("""
            # HELP peersync_test_requests_total Requests served.
            # TYPE peersync_test_requests_total counter
            peersync_test_requests_total{method="GET",status="200"} 5
            peersync_test_requests_total{method="PUT",status="409"} 1

            """, _exporter.Scrape(), ignoreLineEndingDifferences: true);
    }

    [Fact]
    public void Up_down_counter_is_a_gauge_of_its_running_sum()
    {
        var depth = _meter.CreateUpDownCounter<int>("peersync.test.queue.depth", "{change}");
        depth.Add(5);
        depth.Add(-2);

        Assert.Equal("""
            # TYPE peersync_test_queue_depth gauge
            peersync_test_queue_depth 3

            """, _exporter.Scrape(), ignoreLineEndingDifferences: true);
    }

    [Fact]
    public void Histogram_has_cumulative_buckets_from_its_advice_with_inclusive_bounds_sum_and_count()
    {
        var latency = _meter.CreateHistogram<double>("peersync.test.latency", "s", "Request latency.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2.5] });
        foreach (var value in new[] { 0.25, 0.5, 0.75, 3 })
        {
            latency.Record(value, new KeyValuePair<string, object?>("route", "put"));
        }

        Assert.Equal("""
            # HELP peersync_test_latency_seconds Request latency.
            # TYPE peersync_test_latency_seconds histogram
            peersync_test_latency_seconds_bucket{route="put",le="0.5"} 2
            peersync_test_latency_seconds_bucket{route="put",le="1"} 3
            peersync_test_latency_seconds_bucket{route="put",le="2.5"} 3
            peersync_test_latency_seconds_bucket{route="put",le="+Inf"} 4
            peersync_test_latency_seconds_sum{route="put"} 4.5
            peersync_test_latency_seconds_count{route="put"} 4

            """, _exporter.Scrape(), ignoreLineEndingDifferences: true);
    }

    [Fact]
    public void Histogram_without_advice_uses_the_default_buckets()
    {
        var writes = _meter.CreateHistogram<int>("peersync.test.batch.writes", "{write}");
        writes.Record(7);

        var text = _exporter.Scrape();

        Assert.Contains("peersync_test_batch_writes_bucket{le=\"5\"} 0\npeersync_test_batch_writes_bucket{le=\"10\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("peersync_test_batch_writes_bucket{le=\"10000\"} 1\npeersync_test_batch_writes_bucket{le=\"+Inf\"} 1\n", text, StringComparison.Ordinal);
        Assert.Equal(16, text.Split('\n').Count(l => l.StartsWith("peersync_test_batch_writes_bucket", StringComparison.Ordinal)));
    }

    [Fact]
    public void Observable_gauge_and_counter_show_the_value_observed_at_each_scrape()
    {
        var observed = 1.5;
        _meter.CreateObservableCounter("peersync.test.cpu", () => observed, "s", "CPU time.");
        _meter.CreateObservableGauge("peersync.test.memory", () => (long)(observed * 1024), "By");

        var first = _exporter.Scrape();
        observed = 2.5;
        var second = _exporter.Scrape();

        Assert.Contains("peersync_test_cpu_seconds_total 1.5\n", first, StringComparison.Ordinal);
        Assert.Equal("""
            # HELP peersync_test_cpu_seconds_total CPU time.
            # TYPE peersync_test_cpu_seconds_total counter
            peersync_test_cpu_seconds_total 2.5
            # TYPE peersync_test_memory_bytes gauge
            peersync_test_memory_bytes 2560

            """, second, ignoreLineEndingDifferences: true);
    }

    [Fact]
    public void Observable_up_down_counter_is_a_gauge_of_the_observed_value_not_a_running_sum()
    {
        var queued = 10;
        _meter.CreateObservableUpDownCounter("peersync.test.outbound.queue", () => queued, "{change}");

        _exporter.Scrape();
        queued = 4;

        Assert.Equal("""
            # TYPE peersync_test_outbound_queue gauge
            peersync_test_outbound_queue 4

            """, _exporter.Scrape(), ignoreLineEndingDifferences: true);
    }

    [Fact]
    public void Observable_series_no_longer_reported_disappear()
    {
        var peers = new[] { "n2", "n3" };
        _meter.CreateObservableGauge("peersync.test.peer.lag", () => peers.Select(p => new Measurement<long>(7, new KeyValuePair<string, object?>("peer", p))), "ms");

        var first = _exporter.Scrape();
        peers = ["n3"];
        var second = _exporter.Scrape();

        Assert.Contains("peersync_test_peer_lag_milliseconds{peer=\"n2\"} 7\n", first, StringComparison.Ordinal);
        Assert.DoesNotContain("n2", second, StringComparison.Ordinal);
        Assert.Contains("peersync_test_peer_lag_milliseconds{peer=\"n3\"} 7\n", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Synchronous_gauge_shows_its_last_value()
    {
        var leaderEpoch = _meter.CreateGauge<long>("peersync.test.leader.epoch");
        leaderEpoch.Record(4);
        leaderEpoch.Record(5);

        Assert.Equal("""
            # TYPE peersync_test_leader_epoch gauge
            peersync_test_leader_epoch 5

            """, _exporter.Scrape(), ignoreLineEndingDifferences: true);
    }

    [Fact]
    public void Label_names_are_sanitized_and_values_and_help_escaped()
    {
        var errors = _meter.CreateCounter<int>("peersync.test.errors", null, "Errors \\ by kind,\nper route.");
        errors.Add(1, new("http.route", "/v1/\"x\"\\y\nz"), new("1st", true));

        Assert.Equal("""
            # HELP peersync_test_errors_total Errors \\ by kind,\nper route.
            # TYPE peersync_test_errors_total counter
            peersync_test_errors_total{http_route="/v1/\"x\"\\y\nz",key_1st="true"} 1

            """, _exporter.Scrape(), ignoreLineEndingDifferences: true);
    }

    [Fact]
    public void Meter_and_instrument_tags_become_labels_of_every_series()
    {
        using var meter = new Meter(new MeterOptions(_meter.Name + ".tagged") { Tags = [new("node", "n1")] });
        using var exporter = new PrometheusExporter(m => m == meter);
        meter.CreateCounter<long>("peersync.test.tagged", null, null, [new("kind", "shared")]).Add(1, new KeyValuePair<string, object?>("peer", "n2"));

        Assert.Contains("peersync_test_tagged_total{kind=\"shared\",node=\"n1\",peer=\"n2\"} 1\n", exporter.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_instrument_in_two_meters_is_one_family_whose_counters_add_up()
    {
        // Two nodes in one process each have a PeerSync.Sync meter: one family, not two declarations.
        using var second = new Meter(_meter.Name);
        using var exporter = new PrometheusExporter(m => m.Name == _meter.Name);
        _meter.CreateCounter<long>("peersync.test.applied").Add(2);
        second.CreateCounter<long>("peersync.test.applied").Add(3);

        Assert.Equal("""
            # TYPE peersync_test_applied_total counter
            peersync_test_applied_total 5

            """, exporter.Scrape(), ignoreLineEndingDifferences: true);
    }

    [Fact]
    public void An_instrument_whose_name_is_taken_by_another_type_is_left_out_and_logged_once()
    {
        _meter.CreateCounter<long>("peersync.test.things").Add(1);
        _meter.CreateUpDownCounter<long>("peersync.test.things_total").Add(9);

        var first = _exporter.Scrape();
        _exporter.Scrape();

        Assert.Equal("""
            # TYPE peersync_test_things_total counter
            peersync_test_things_total 1

            """, first, ignoreLineEndingDifferences: true);
        var warning = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("peersync.test.things_total", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_sets_past_the_bound_are_counted_in_one_overflow_series()
    {
        var counter = _meter.CreateCounter<long>("peersync.test.cardinality");
        for (var i = 0; i < InstrumentAggregate.MaxSeries + 5; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("id", i));
        }

        var text = _exporter.Scrape();

        Assert.Equal(InstrumentAggregate.MaxSeries + 1, text.Split('\n').Count(l => l.StartsWith("peersync_test_cardinality_total{", StringComparison.Ordinal)));
        Assert.Contains("peersync_test_cardinality_total{otel_metric_overflow=\"true\"} 5\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disposed_meter_leaves_the_output()
    {
        using var meter = new Meter(_meter.Name + ".short");
        using var exporter = new PrometheusExporter(m => m == meter);
        meter.CreateCounter<long>("peersync.test.gone").Add(1);
        Assert.Contains("peersync_test_gone_total 1", exporter.Scrape(), StringComparison.Ordinal);

        meter.Dispose();

        Assert.Equal("", exporter.Scrape());
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(42.0, "42")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e21, "1E+21")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void Values_are_written_as_prometheus_reads_them(double value, string text) =>
        Assert.Equal(text, PrometheusText.FormatValue(value));
}

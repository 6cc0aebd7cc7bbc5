using System.Diagnostics.Metrics;
using PeerSync.Node.Tests.Http.Support;

namespace PeerSync.Node.Tests.Http;

/// <summary>`GET /metrics` of a running server: every `PeerSync.*` meter in the process, plus the process figures.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_answers_the_text_format_with_process_metrics_and_peersync_meters()
    {
        await using var server = await ServerHarness.StartAsync();
        using var meter = new Meter("PeerSync.Tests.Endpoint");
        var name = "peersync.test.endpoint_" + Guid.NewGuid().ToString("N");
        meter.CreateCounter<long>(name, "{request}", "Counted by the endpoint test.").Add(3);

        var answer = await server.SendAsync(HttpMethod.Get, "/metrics");

        Assert.Equal(200, answer.Status);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", answer.ContentType);
        Assert.Contains($"{name.Replace('.', '_')}_total 3\n", answer.Body, StringComparison.Ordinal);
        Assert.Contains("# TYPE peersync_process_uptime_seconds gauge\n", answer.Body, StringComparison.Ordinal);
        Assert.Contains("# TYPE peersync_process_gc_heap_size_bytes gauge\n", answer.Body, StringComparison.Ordinal);
        Assert.Contains("# TYPE peersync_process_thread_pool_queue_length gauge\n", answer.Body, StringComparison.Ordinal);
        Assert.Contains("peersync_process_gc_collections_total{gc_generation=\"gen0\"} ", answer.Body, StringComparison.Ordinal);
        Assert.Contains("# TYPE peersync_process_cpu_time_seconds_total counter\n", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_leaves_out_meters_outside_peersync()
    {
        await using var server = await ServerHarness.StartAsync();
        using var meter = new Meter("Other.Library");
        meter.CreateCounter<long>("other.requests").Add(1);

        var answer = await server.SendAsync(HttpMethod.Get, "/metrics");

        Assert.DoesNotContain("other_requests", answer.Body, StringComparison.Ordinal);
    }
}

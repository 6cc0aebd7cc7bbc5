using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using PeerSync.Benchmarks.Harness;
using PeerSync.Hosting.Options;
using PeerSync.Hosting.Sync;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.TestKit.MultiNode;

namespace PeerSync.Benchmarks.Suites;

/// <summary>
/// Replication on 3 in-process nodes over loopback TCP with SQLite (synchronous=FULL, the default),
/// defaults otherwise (batch window 100 ms, max batch 500). 100-byte values in a shared collection.
/// `one-writer`: changes written on n1 (64 concurrent writers, so commits group) until every node
/// has applied every change; `three-writers`: the same split over the three nodes;
/// `latency`: one change every 20 ms (not saturated), time until both other nodes applied it (p50, p99);
/// `catch-up`: n3 killed while changes are written, then restarted: applied records per second from
/// its restart until it has them all; `backfill`: n3's data wiped, restarted empty: records per second
/// until it holds everything and is ready. `floor:insert` is the raw rate of the same records
/// written in batches of 1000 into one SQLite record store (what the disk allows).
/// With a PostgreSQL server configured, the `postgres:*` cases follow (SyncSuite.Postgres.cs).
/// `PEERSYNC_BENCH_SYNC_ONLY=sqlite` or `=postgres` runs one provider's cases only,
/// `=postgres-reads` only the PostgreSQL read calls (SyncSuite.PostgresReads.cs).
/// </summary>
public sealed partial class SyncSuite : IBenchmarkSuite
{
    private static readonly CollectionName Collection = CollectionName.Parse("bench");
    private static readonly string Value = "\"" + new string('x', 98) + "\"";

    public string Name => "sync";

    public string Description => "replication on 3 nodes over loopback with SQLite (and PostgreSQL when configured): throughput (one and three writers), latency p50/p99, catch-up and backfill rates, store write rate, raw insert floors";

    public async Task RunAsync(BenchmarkContext context)
    {
        var throughputCount = context.Quick ? 10_000 : 50_000;
        var bulkCount = context.Quick ? 20_000 : 100_000;
        var latencySamples = context.Quick ? 150 : 500;

        var only = Environment.GetEnvironmentVariable("PEERSYNC_BENCH_SYNC_ONLY") is { Length: > 0 } o ? o : null;
        if (only is not (null or "sqlite" or "postgres" or "postgres-reads"))
        {
            throw new ArgumentException($"PEERSYNC_BENCH_SYNC_ONLY is '{only}'; use sqlite, postgres or postgres-reads, or leave it unset for both providers");
        }

        if (only is "postgres-reads")
        {
            await RunPostgresAsync(context, throughputCount, readsOnly: true);
            return;
        }

        if (only is null or "sqlite")
        {
            await RunSqliteAsync(context, throughputCount, bulkCount, latencySamples);
        }

        if (only is null or "postgres")
        {
            await RunPostgresAsync(context, throughputCount);
        }
    }

    private static async Task RunSqliteAsync(BenchmarkContext context, int throughputCount, int bulkCount, int latencySamples)
    {
        var floor = await FloorAsync(throughputCount);
        context.Report("floor:insert", "throughput", floor, "records/s");
        context.Progress($"floor: {floor:0} records/s (batches of 1000 into one SQLite store)");

        await using var cluster = await StartAsync();
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);

        var one = await ThroughputAsync(cluster, [n1], throughputCount, "a");
        context.Report("one-writer", "throughput", one, "changes/s", floor: "floor:insert");
        context.Progress($"one writer: {one:0} changes/s until all 3 nodes applied {throughputCount}");

        var three = await ThroughputAsync(cluster, [n1, n2, n3], throughputCount, "b");
        context.Report("three-writers", "throughput", three, "changes/s", floor: "floor:insert");
        context.Progress($"three writers: {three:0} changes/s until all 3 nodes applied {throughputCount}");

        var (p50, p99) = await LatencyAsync(n1, [n2, n3], latencySamples);
        context.Report("latency", "p50", p50, "ms");
        context.Report("latency", "p99", p99, "ms");
        context.Progress($"latency over {latencySamples} changes, one every 20 ms: p50 {p50:0.0} ms, p99 {p99:0.0} ms (batch window 100 ms)");

        var catchUp = await CatchUpAsync(cluster, n1, n3, bulkCount);
        context.Report("catch-up", "throughput", catchUp, "records/s");
        context.Progress($"catch-up of {bulkCount} changes: {catchUp:0} records/s");

        var backfill = await BackfillAsync(cluster, n3);
        context.Report("backfill", "throughput", backfill.Rate, "records/s");
        context.Progress($"backfill of {backfill.Records} records: {backfill.Rate:0} records/s");
    }

    private static async Task<MultiNodeCluster> StartAsync(Action<PeerSyncOptions, int>? configure = null)
    {
        var cluster = await MultiNodeCluster.StartAsync(3, new MultiNodeOptions
        {
            OutputLevel = LogLevel.Warning,
            CaptureLevel = LogLevel.Warning,
            Configure = (o, i) =>
            {
                o.Sync.CatchUpSettle = TimeSpan.FromSeconds(2);
                o.Cluster.Downing.StableAfter = TimeSpan.FromSeconds(120);
                configure?.Invoke(o, i);
            },
            Components = _ => [new SyncComponent()],
        });
        await cluster.AwaitConvergenceAsync(timeout: TimeSpan.FromSeconds(60));
        await cluster.AwaitAsync(() => cluster.Nodes.All(n => Sync(n).IsReady), "sync ready", TimeSpan.FromSeconds(60));
        return cluster;
    }

    private static SyncComponent Sync(MultiNodeNode node) => node.Node.Component<SyncComponent>()!;

    private static long Count(MultiNodeNode node) => Sync(node).Host.Store.GetCollectionDigestAsync(Collection).GetAwaiter().GetResult().Count;

    /// <summary>Raw batched inserts of the same records into one SQLite store: the persistence floor.</summary>
    private static async Task<double> FloorAsync(int count)
    {
        var dir = Path.Combine(Path.GetTempPath(), "peersync-bench-floor-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var store = RecordStores.Sqlite(new SqliteRecordStoreOptions { DataDir = dir });
            await store.OpenAsync(NodeId.Parse("floor"), new DataEpoch(1));
            var physical = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            var sw = Stopwatch.StartNew();
            for (var start = 0; start < count; start += 1000)
            {
                var writes = Enumerable.Range(start, Math.Min(1000, count - start))
                    .Select(i => new LocalWrite(Collection, RecordKey.Parse($"f{i:D7}"), CollectionKind.Shared, Value, Hlc.From(physical + (i / 60_000), (i % 60_000) + 1)))
                    .ToList();
                await store.WriteLocalAsync(writes);
            }

            return count / sw.Elapsed.TotalSeconds;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<double> ThroughputAsync(MultiNodeCluster cluster, IReadOnlyList<MultiNodeNode> writers, int count, string prefix)
    {
        var before = cluster.Nodes.Select(Count).ToList();
        var sw = Stopwatch.StartNew();
        var perWriter = count / writers.Count;
        await Task.WhenAll(writers.Select((node, w) => WriteAsync(node, $"{prefix}{w}-", perWriter)));
        await WaitAsync(() => cluster.Nodes.Select((n, i) => Count(n) - before[i]).All(c => c >= perWriter * writers.Count), TimeSpan.FromMinutes(5));
        return perWriter * writers.Count / sw.Elapsed.TotalSeconds;
    }

    private static async Task WriteAsync(MultiNodeNode node, string prefix, int count)
    {
        const int writers = 64;
        var host = Sync(node).Host;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < count; i += writers)
            {
                await host.WriteAsync(Collection, RecordKey.Parse($"{prefix}{i:D7}"), Value);
            }
        })));
    }

    /// <summary>One write every 20 ms on <paramref name="writer"/>; per write, the time until the last of <paramref name="readers"/> applied it (their change feeds).</summary>
    private static async Task<(double P50, double P99)> LatencyAsync(MultiNodeNode writer, IReadOnlyList<MultiNodeNode> readers, int samples)
    {
        var arrivals = readers.Select(_ => new System.Collections.Concurrent.ConcurrentDictionary<string, long>()).ToList();
        using var stop = new CancellationTokenSource();
        var feeds = readers.Select((reader, r) => Task.Run(async () =>
        {
            try
            {
                await foreach (var change in Sync(reader).Host.ChangesAsync(null, stop.Token))
                {
                    arrivals[r].TryAdd(change.Version.Key.Value, Stopwatch.GetTimestamp());
                }
            }
            catch (OperationCanceledException)
            {
                // The measurement is over.
            }
        })).ToList();

        var sent = new List<(string Key, long At)>();
        var host = Sync(writer).Host;
        for (var i = 0; i < samples; i++)
        {
            var key = $"lat{i:D6}";
            var at = Stopwatch.GetTimestamp();
            await host.WriteAsync(Collection, RecordKey.Parse(key), Value);
            sent.Add((key, at));
            await Task.Delay(20);
        }

        await WaitAsync(() => arrivals.All(a => sent.All(s => a.ContainsKey(s.Key))), TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Task.WhenAll(feeds);
        var latencies = sent.Select(s => arrivals.Max(a => Stopwatch.GetElapsedTime(s.At, a[s.Key]).TotalMilliseconds)).Order().ToList();
        return (Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    private static async Task<double> CatchUpAsync(MultiNodeCluster cluster, MultiNodeNode writer, MultiNodeNode away, int count)
    {
        await cluster.KillAsync(away);
        await WriteAsync(writer, "c-", count);
        var target = Count(writer);
        var sw = Stopwatch.StartNew();
        await cluster.StartNodeAsync(away);
        await WaitAsync(() => Count(away) >= target, TimeSpan.FromMinutes(10));
        return count / sw.Elapsed.TotalSeconds;
    }

    private static async Task<(long Records, double Rate)> BackfillAsync(MultiNodeCluster cluster, MultiNodeNode wiped)
    {
        var target = Count(cluster["n1"]);
        await cluster.KillAsync(wiped);
        Directory.Delete(wiped.DataDirectory, recursive: true);
        var sw = Stopwatch.StartNew();
        await cluster.StartNodeAsync(wiped);
        await WaitAsync(() => Sync(wiped).IsReady && Count(wiped) >= target, TimeSpan.FromMinutes(10));
        return (target, target / sw.Elapsed.TotalSeconds);
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException($"the sync bench waited {timeout} in vain");
            }

            await Task.Delay(10);
        }
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

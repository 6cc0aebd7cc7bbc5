using Google.Protobuf.WellKnownTypes;
using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Benchmarks.Harness;
using PeerSync.Benchmarks.Suites.Persistence;
using PeerSync.Persistence;
using PeerSync.Persistence.Model;

namespace PeerSync.Benchmarks.Suites;

/// <summary>
/// Persistence throughput on SQLite and (when a server is configured) PostgreSQL, each case beside
/// a floor measured in the same run on the same database: a raw batched INSERT loop for writes and
/// a raw SELECT scan for replay. `&lt;provider&gt;:journal-*` cases go through IJournal;
/// `&lt;provider&gt;:persist-*` and `&lt;provider&gt;:replay` through persistent actors (the same
/// shapes: one writer, 100 writers, atomic batches of 100, recovery of 100 000 events), so the
/// gap between the two groups is what the actor layer costs.
/// </summary>
public sealed class PersistenceSuite : IBenchmarkSuite
{
    private const string Metric = "throughput";
    private const string Unit = "events/s";

    public string Name => "persistence";

    public string Description => "journal and persistent-actor write/replay events/s on SQLite and PostgreSQL vs raw INSERT/SELECT floors";

    public async Task RunAsync(BenchmarkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var targets = new List<PersistenceBenchTarget> { new SqliteBenchTarget() };
        var postgres = BenchPostgres.ConnectionString;
        if (postgres is null)
        {
            context.Progress(BenchPostgres.SkippedMessage);
        }
        else
        {
            targets.Add(new PostgresBenchTarget(postgres));
        }

        foreach (var target in targets)
        {
            await using (target)
            {
                await RunOnAsync(context, target);
            }
        }
    }

    private static async Task RunOnAsync(BenchmarkContext context, PersistenceBenchTarget target)
    {
        var settings = new Settings(context.Quick);
        await using var stores = await target.OpenAsync();
        await using var system = ActorSystem.Create("bench");
        system.Serialization().AddProtobuf<BytesValue>();
        system.ConfigurePersistence(stores);
        context.Progress($"{target.Name}: {stores.Location}");
        await RunWritesAsync(context, target, stores, system, settings);
        await RunReplayAsync(context, target, stores, system, settings);
    }

    private static async Task RunWritesAsync(
        BenchmarkContext context, PersistenceBenchTarget target, PersistenceStores stores, ActorSystem system, Settings settings)
    {
        var journal = stores.Journal;
        (string Case, Func<string, TimeSpan, Task<double>> Run)[] cases =
        [
            ("journal-write-1", (prefix, d) => JournalWorkloads.WriteOneAtATimeAsync(journal, prefix, d)),
            ("journal-write-100-concurrent", (prefix, d) => JournalWorkloads.WriteConcurrentlyAsync(journal, prefix, d)),
            ("journal-write-all-100", (prefix, d) => JournalWorkloads.WriteAllAsync(journal, prefix, d)),
            ("persist-1", (prefix, d) => ActorWorkloads.PersistOneAtATimeAsync(system, prefix, d)),
            ("persist-100-actors", (prefix, d) => ActorWorkloads.PersistConcurrentlyAsync(system, prefix, d)),
            ("persist-all-100", (prefix, d) => ActorWorkloads.PersistAllAsync(system, prefix, d)),
        ];

        // Commit latency (an fsync) swings with whatever else the disk is doing, so the floor is
        // measured right before each case and the best of those runs is reported: a case is
        // compared with the floor at its best, never with a floor that happened to hit a slow spell.
        var floor = new InsertFloor(target, settings);
        var results = new List<(string Case, double Rate)>();
        using var batches = new BatchSizeProbe();
        foreach (var (name, run) in cases)
        {
            await floor.MeasureAsync();
            await run($"warm-{name}", settings.WarmUp);
            batches.TakeAverage();
            results.Add(($"{target.Name}:{name}", await run(name, settings.Duration)));
            context.Progress($"{target.Name}:{name}: {results[^1].Rate:N0} events/s, {batches.TakeAverage():N1} writes per transaction");
        }

        var insertFloor = $"floor:{target.Name}:insert";
        Report(context, insertFloor, floor.Best, floor: null);
        foreach (var (name, rate) in results)
        {
            Report(context, name, rate, insertFloor);
        }
    }

    private static async Task RunReplayAsync(
        BenchmarkContext context, PersistenceBenchTarget target, PersistenceStores stores, ActorSystem system, Settings settings)
    {
        var id = PersistenceId.Parse("replay");
        context.Progress($"{target.Name}: storing {JournalWorkloads.ReplayEvents} events to replay");
        await JournalWorkloads.PopulateAsync(stores.Journal, id);

        // Interleaved, best of each: a cache warmed by one benefits the others as much.
        var scan = 0.0;
        var replay = 0.0;
        var actorReplay = 0.0;
        for (var i = 0; i < settings.ReplayRepeats; i++)
        {
            scan = Math.Max(scan, await Throughput.RateAsync(() => target.RawScanAsync(id)));
            replay = Math.Max(replay, await Throughput.RateAsync(() => JournalWorkloads.ReplayAsync(stores.Journal, id)));
            actorReplay = Math.Max(actorReplay, await Throughput.RateAsync(async () =>
            {
                var recovered = await ActorWorkloads.ReplayAsync(system, id);
                return recovered == JournalWorkloads.ReplayEvents
                    ? recovered
                    : throw new InvalidOperationException($"the actor recovered {recovered} events, not {JournalWorkloads.ReplayEvents}");
            }));
        }

        var scanFloor = $"floor:{target.Name}:scan";
        Report(context, scanFloor, scan, floor: null);
        Report(context, $"{target.Name}:journal-replay", replay, scanFloor);
        Report(context, $"{target.Name}:replay", actorReplay, scanFloor);
    }

    private static void Report(BenchmarkContext context, string @case, double eventsPerSecond, string? floor) =>
        context.Report(@case, Metric, eventsPerSecond, Unit, floor);

    /// <summary>
    /// The raw batched INSERT loop: 100 rows per transaction, one for each of 100 ids, which are
    /// exactly the rows a full group-commit batch of the 100-writer case holds (rows of many ids
    /// land on many pages, which costs more than appending 100 rows of one id).
    /// </summary>
    private sealed class InsertFloor(PersistenceBenchTarget target, Settings settings)
    {
        private static readonly PersistenceId[] Ids =
            Enumerable.Range(0, JournalWorkloads.ConcurrentWriters).Select(i => PersistenceId.Parse($"floor-insert-{i}")).ToArray();

        private long _next = 1;

        public double Best { get; private set; }

        public async Task MeasureAsync()
        {
            _next += await target.RawInsertAsync(Ids, _next, settings.WarmUp) / Ids.Length;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var rows = await target.RawInsertAsync(Ids, _next, settings.FloorDuration);
            _next += rows / Ids.Length;
            Best = Math.Max(Best, rows / clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>
    /// How long each case runs: `--quick` keeps SQLite plus PostgreSQL (six write cases each, every
    /// one after its own floor run) under a minute.
    /// </summary>
    private sealed class Settings(bool quick)
    {
        public TimeSpan Duration { get; } = TimeSpan.FromSeconds(quick ? 1.2 : 5);

        public TimeSpan FloorDuration { get; } = TimeSpan.FromSeconds(quick ? 0.7 : 3);

        public TimeSpan WarmUp { get; } = TimeSpan.FromSeconds(quick ? 0.25 : 1);

        public int ReplayRepeats { get; } = quick ? 3 : 5;
    }
}

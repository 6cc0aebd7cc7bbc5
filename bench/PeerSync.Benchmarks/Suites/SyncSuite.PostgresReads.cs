using System.Diagnostics;
using Npgsql;
using PeerSync.Benchmarks.Harness;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Benchmarks.Suites;

/// <summary>
/// Read calls of one PostgreSQL record store holding 1000 records, one call at a time:
/// `postgres:read-progress`, `postgres:read-stream-50` (50 changes of the store's own stream) and
/// `postgres:read-snapshot-page-50`, each a read of several statements in one snapshot.
/// `floor:postgres:round-trip`: one prepared `SELECT 1` per call on a connection taken from the pool
/// and given back, as the store does: the least a read call can cost. Each is the best of
/// <see cref="StoreRounds"/> alternating rounds.
/// </summary>
public sealed partial class SyncSuite
{
    private static async Task RunPostgresReadsAsync(BenchmarkContext context, string connectionString, string schema)
    {
        var calls = context.Quick ? 2_000 : 10_000;
        await using var store = RecordStores.Postgres(new PostgresRecordStoreOptions { ConnectionString = connectionString, Schema = schema });
        var self = (await store.OpenAsync(NodeId.Parse("bench"), new DataEpoch(1))).Self;
        var physical = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        for (var start = 0; start < 1000; start += 100)
        {
            await store.WriteLocalAsync([.. Enumerable.Range(start, 100).Select(i =>
                new LocalWrite(Collection, RecordKey.Parse($"r{i:D7}"), CollectionKind.Shared, Value, Hlc.From(physical, i + 1)))]);
        }

        var through = Hlc.From(physical + 1, 0);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        await using var dataSource = builder.Build();
        var cases = new (string Case, Func<Task> Call)[]
        {
            ("floor:postgres:round-trip", async () =>
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync();
            }),
            ("postgres:read-progress", () => store.ReadProgressAsync()),
            ("postgres:read-stream-50", () => store.ReadStreamAsync(self, Hlc.Zero, through, 50)),
            ("postgres:read-snapshot-page-50", () => store.ReadSnapshotPageAsync(null, 50)),
        };

        var best = new double[cases.Length];
        var rates = new double[cases.Length];
        for (var round = 1; round <= StoreRounds; round++)
        {
            for (var i = 0; i < cases.Length; i++)
            {
                // A few hundred calls first: the pool's connection, prepared statements, JIT tiers.
                for (var w = 0; w < 200; w++)
                {
                    await cases[i].Call();
                }

                var sw = Stopwatch.StartNew();
                for (var c = 0; c < calls; c++)
                {
                    await cases[i].Call();
                }

                rates[i] = calls / sw.Elapsed.TotalSeconds;
                best[i] = Math.Max(best[i], rates[i]);
            }

            context.Progress($"postgres reads round {round} ({calls} calls each): " + string.Join(", ", cases.Select((c, i) => $"{c.Case} {rates[i]:0} calls/s")));
        }

        context.Report(cases[0].Case, "throughput", best[0], "calls/s");
        for (var i = 1; i < cases.Length; i++)
        {
            context.Report(cases[i].Case, "throughput", best[i], "calls/s", floor: cases[0].Case);
        }
    }
}

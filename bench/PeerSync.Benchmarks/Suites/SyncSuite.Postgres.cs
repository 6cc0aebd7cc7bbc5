using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using PeerSync.Benchmarks.Harness;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Benchmarks.Suites;

/// <summary>
/// The sync cases on the PostgreSQL server named by `PEERSYNC_BENCH_POSTGRES` (or
/// `PEERSYNC_TEST_POSTGRES`), every schema fresh and dropped afterwards.
/// `floor:postgres:insert`: the same records inserted raw, 1000 rows per transaction in one
/// multi-row statement (arrays through unnest) into a table shaped like the record store's;
/// `postgres:store-write-100`: one record store writing 100 local changes per call (a record and a
/// log entry each, as the sync coordinator's commits do), and `postgres:store-write-1000` with 1000
/// per call (the coordinator's largest commit), which shows what a call costs beside its rows;
/// `postgres:one-writer`: as `one-writer`,
/// on three nodes whose journals and record stores all live on that server; the read calls of
/// SyncSuite.PostgresReads.cs come first. The floor and the
/// store's rate are each the best of <see cref="StoreRounds"/> alternating rounds (fresh schemas),
/// so that neither is compared with the other caught in a slow spell of the shared machine.
/// </summary>
public sealed partial class SyncSuite
{
    private const int StoreRounds = 3;

    private static async Task RunPostgresAsync(BenchmarkContext context, int count, bool readsOnly = false)
    {
        if (BenchPostgres.ConnectionString is not { } connectionString)
        {
            context.Progress(BenchPostgres.SkippedMessage);
            return;
        }

        var prefix = "bench_sync_" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await RunPostgresReadsAsync(context, connectionString, $"{prefix}_reads");
            if (readsOnly)
            {
                return;
            }

            var (floor, store100, store1000) = (0.0, 0.0, 0.0);
            for (var round = 1; round <= StoreRounds; round++)
            {
                var f = await PostgresFloorAsync(connectionString, $"{prefix}_floor_{round}", count);
                var s100 = await PostgresStoreWriteAsync(connectionString, $"{prefix}_store_{round}", count, 100);
                var s1000 = await PostgresStoreWriteAsync(connectionString, $"{prefix}_store1000_{round}", count, 1000);
                context.Progress($"postgres round {round}: floor {f:0} records/s (1000 rows per transaction, one unnest INSERT), store {s100:0} records/s ({count} local changes, 100 per call), {s1000:0} (1000 per call)");
                (floor, store100, store1000) = (Math.Max(floor, f), Math.Max(store100, s100), Math.Max(store1000, s1000));
            }

            context.Report("floor:postgres:insert", "throughput", floor, "records/s");
            context.Report("postgres:store-write-100", "throughput", store100, "records/s", floor: "floor:postgres:insert");
            context.Report("postgres:store-write-1000", "throughput", store1000, "records/s", floor: "floor:postgres:insert");

            await using var cluster = await StartAsync((o, i) =>
            {
                o.Persistence.Provider = "postgres";
                o.Persistence.ConnectionString = connectionString;
                o.Persistence.PostgresSchema = $"{prefix}_journal_{i}";
                o.Persistence.PostgresRecordsSchema = $"{prefix}_records_{i}";
            });
            var one = await ThroughputAsync(cluster, [cluster["n1"]], count, "a");
            context.Report("postgres:one-writer", "throughput", one, "changes/s", floor: "floor:postgres:insert");
            context.Progress($"postgres one writer: {one:0} changes/s until all 3 nodes applied {count}");
        }
        finally
        {
            await DropSchemasAsync(connectionString, prefix);
        }
    }

    /// <summary>Raw inserts of the records the cases write, 1000 per transaction: what the server allows.</summary>
    private static async Task<double> PostgresFloorAsync(string connectionString, string schema, int count)
    {
        const int rowsPerTransaction = 1000;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        var table = $"\"{schema}\".records";
        foreach (var ddl in new[]
        {
            $"CREATE SCHEMA \"{schema}\"",
            $"CREATE TABLE {table} (collection TEXT COLLATE \"C\" NOT NULL, rkey TEXT COLLATE \"C\" NOT NULL, owned BIGINT NOT NULL, deleted BIGINT NOT NULL, value TEXT NULL, hlc BIGINT NOT NULL, origin_node TEXT COLLATE \"C\" NOT NULL, origin_epoch BIGINT NOT NULL, bucket BIGINT NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (collection, rkey))",
        })
        {
            await using var create = new NpgsqlCommand(ddl, connection);
            await create.ExecuteNonQueryAsync();
        }

        await using var insert = new NpgsqlCommand(
            $"INSERT INTO {table} (collection, rkey, owned, deleted, value, hlc, origin_node, origin_epoch, bucket, position) "
            + "SELECT @c, k, 0, 0, @v, h, @n, 1, 0, p FROM unnest(@k, @h, @p) AS r(k, h, p)",
            connection);
        var keys = new NpgsqlParameter<string[]>("k", NpgsqlDbType.Array | NpgsqlDbType.Text);
        var hlcs = new NpgsqlParameter<long[]>("h", NpgsqlDbType.Array | NpgsqlDbType.Bigint);
        var positions = new NpgsqlParameter<long[]>("p", NpgsqlDbType.Array | NpgsqlDbType.Bigint);
        insert.Parameters.Add(new NpgsqlParameter<string>("c", NpgsqlDbType.Text) { TypedValue = Collection.Value });
        insert.Parameters.Add(new NpgsqlParameter<string>("v", NpgsqlDbType.Text) { TypedValue = Value });
        insert.Parameters.Add(new NpgsqlParameter<string>("n", NpgsqlDbType.Text) { TypedValue = "floor" });
        insert.Parameters.Add(keys);
        insert.Parameters.Add(hlcs);
        insert.Parameters.Add(positions);

        var sw = Stopwatch.StartNew();
        for (var start = 0; start < count; start += rowsPerTransaction)
        {
            var rows = Enumerable.Range(start, Math.Min(rowsPerTransaction, count - start)).ToArray();
            keys.TypedValue = rows.Select(i => $"f{i:D7}").ToArray();
            hlcs.TypedValue = rows.Select(i => 1_700_000_000_000L + i).ToArray();
            positions.TypedValue = rows.Select(i => (long)i + 1).ToArray();
            await using var tx = await connection.BeginTransactionAsync();
            insert.Transaction = tx;
            await insert.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }

        return count / sw.Elapsed.TotalSeconds;
    }

    /// <summary>Local changes written straight into one record store, <paramref name="perCall"/> per call (after a second of warm-up).</summary>
    private static async Task<double> PostgresStoreWriteAsync(string connectionString, string schema, int count, int perCall)
    {
        await using var store = RecordStores.Postgres(new PostgresRecordStoreOptions { ConnectionString = connectionString, Schema = schema });
        await store.OpenAsync(NodeId.Parse("bench"), new DataEpoch(1));
        var physical = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        List<LocalWrite> Writes(string prefix, int start, int n) =>
            Enumerable.Range(start, n)
                .Select(i => new LocalWrite(Collection, RecordKey.Parse($"{prefix}{i:D7}"), CollectionKind.Shared, Value, Hlc.From(physical + (i / 60_000), (i % 60_000) + 1)))
                .ToList();

        // Warm-up for a second: opens the pool's connections, prepares the statements, and lets the
        // JIT's tiers settle (a single call left the client spending about twice the CPU per record).
        var warmUp = Stopwatch.StartNew();
        for (var start = 0; warmUp.Elapsed < TimeSpan.FromSeconds(1); start += perCall)
        {
            await store.WriteLocalAsync(Writes("w", start, perCall));
        }

        physical += 600_000;
        var sw = Stopwatch.StartNew();
        for (var start = 0; start < count; start += perCall)
        {
            await store.WriteLocalAsync(Writes("s", start, Math.Min(perCall, count - start)));
        }

        return count / sw.Elapsed.TotalSeconds;
    }

    private static async Task DropSchemasAsync(string connectionString, string prefix)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var schemas = new List<string>();
        await using (var list = dataSource.CreateCommand("SELECT nspname FROM pg_namespace WHERE nspname LIKE @p"))
        {
            list.Parameters.AddWithValue("p", prefix + "%");
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                schemas.Add(reader.GetString(0));
            }
        }

        foreach (var schema in schemas)
        {
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA \"{schema}\" CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }
}

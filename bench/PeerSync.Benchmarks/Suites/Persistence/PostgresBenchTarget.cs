using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using PeerSync.Persistence;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Model;

namespace PeerSync.Benchmarks.Suites.Persistence;

/// <summary>
/// A fresh schema on the PostgreSQL server named by `PEERSYNC_BENCH_POSTGRES` (or
/// `PEERSYNC_TEST_POSTGRES`), dropped afterwards.
/// </summary>
internal sealed class PostgresBenchTarget(string connectionString) : PersistenceBenchTarget
{
    private readonly string _schema = "bench_" + Guid.NewGuid().ToString("N")[..16];

    public override string Name => "postgres";

    public override Task<PersistenceStores> OpenAsync() =>
        PersistenceFactory.OpenPostgresAsync(new PostgresJournalOptions { ConnectionString = connectionString, SchemaName = _schema });

    public override async Task<long> RawInsertAsync(IReadOnlyList<PersistenceId> ids, long firstSequenceNr, TimeSpan duration)
    {
        // The fastest plain way to insert many rows in one statement: arrays through unnest.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        var rowsPerTransaction = ids.Count;
        var pid = ids.Select(id => id.Value).ToArray();
        var ser = Enumerable.Repeat(BenchEvents.SerializerId, rowsPerTransaction).ToArray();
        var man = Enumerable.Repeat(BenchEvents.Manifest, rowsPerTransaction).ToArray();
        var pay = Enumerable.Repeat(BenchEvents.Payload.Bytes, rowsPerTransaction).ToArray();
        var wid = Enumerable.Repeat(BenchEvents.WriterId, rowsPerTransaction).ToArray();
        var seq = new long[rowsPerTransaction];
        var ts = new long[rowsPerTransaction];
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO \"{_schema}\".journal (persistence_id, sequence_nr, serializer_id, manifest, payload, timestamp_ms, writer_id) "
            + "SELECT * FROM unnest(@pid, @seq, @ser, @man, @pay, @ts, @wid)",
            connection);
        insert.Parameters.Add(new NpgsqlParameter<string[]>("pid", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = pid });
        insert.Parameters.Add(new NpgsqlParameter<long[]>("seq", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = seq });
        insert.Parameters.Add(new NpgsqlParameter<int[]>("ser", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = ser });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("man", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = man });
        insert.Parameters.Add(new NpgsqlParameter<byte[][]>("pay", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = pay });
        insert.Parameters.Add(new NpgsqlParameter<long[]>("ts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = ts });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("wid", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = wid });
        await insert.PrepareAsync();

        var next = firstSequenceNr;
        var rows = 0L;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            Array.Fill(seq, next);
            Array.Fill(ts, 1_700_000_000_000 + next);
            next++;
            rows += rowsPerTransaction;

            await using var tx = await connection.BeginTransactionAsync();
            insert.Transaction = tx;
            await insert.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }

        return rows;
    }

    public override async Task<long> RawScanAsync(PersistenceId id)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var cmd = dataSource.CreateCommand(
            "SELECT persistence_id, sequence_nr, serializer_id, manifest, payload, timestamp_ms, writer_id "
            + $"FROM \"{_schema}\".journal WHERE persistence_id = @pid ORDER BY sequence_nr");
        cmd.Parameters.AddWithValue("pid", id.Value);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = 0L;
        var checksum = 0L;
        while (await reader.ReadAsync())
        {
            // Read every column as the journal does, so the floor pays the same decoding.
            checksum += reader.GetString(0).Length + reader.GetInt64(1) + reader.GetInt32(2) + reader.GetString(3).Length
                + reader.GetFieldValue<byte[]>(4).Length + reader.GetInt64(5) + reader.GetString(6).Length;
            rows++;
        }

        GC.KeepAlive(checksum);
        return rows;
    }

    public override async ValueTask DisposeAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var cmd = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
        await cmd.ExecuteNonQueryAsync();
    }
}

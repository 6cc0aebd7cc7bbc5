using System.Diagnostics;
using Microsoft.Data.Sqlite;
using PeerSync.Persistence;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Model;

namespace PeerSync.Benchmarks.Suites.Persistence;

/// <summary>A fresh SQLite file in a temp data dir, at the default durability (synchronous = FULL).</summary>
internal sealed class SqliteBenchTarget : PersistenceBenchTarget
{
    private readonly SqliteJournalOptions _options = new()
    {
        DataDir = Path.Combine(Path.GetTempPath(), "peersync-bench-persistence-" + Guid.NewGuid().ToString("N")),
    };

    private SqliteConnection? _floor;

    public override string Name => "sqlite";

    public override Task<PersistenceStores> OpenAsync() => PersistenceFactory.OpenSqliteAsync(_options);

    public override Task<long> RawInsertAsync(IReadOnlyList<PersistenceId> ids, long firstSequenceNr, TimeSpan duration)
    {
        // One connection for every floor run, as the journal keeps one writer connection.
        var connection = _floor ??= Open();
        using var insert = connection.CreateCommand();
        insert.CommandText =
            "INSERT INTO journal (persistence_id, sequence_nr, serializer_id, manifest, payload, timestamp_ms, writer_id) "
            + "VALUES ($pid, $seq, $ser, $man, $pay, $ts, $wid)";
        var pid = insert.Parameters.Add("$pid", SqliteType.Text);
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var ts = insert.Parameters.Add("$ts", SqliteType.Integer);
        insert.Parameters.AddWithValue("$ser", BenchEvents.SerializerId);
        insert.Parameters.AddWithValue("$man", BenchEvents.Manifest);
        insert.Parameters.AddWithValue("$pay", BenchEvents.Payload.Bytes);
        insert.Parameters.AddWithValue("$wid", BenchEvents.WriterId);

        var next = firstSequenceNr;
        var rows = 0L;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            using var tx = connection.BeginTransaction(deferred: false);
            insert.Transaction = tx;
            seq.Value = next;
            ts.Value = 1_700_000_000_000 + next;
            foreach (var id in ids)
            {
                pid.Value = id.Value;
                insert.ExecuteNonQuery();
            }

            tx.Commit();
            next++;
            rows += ids.Count;
        }

        return Task.FromResult(rows);
    }

    public override Task<long> RawScanAsync(PersistenceId id)
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText =
            "SELECT persistence_id, sequence_nr, serializer_id, manifest, payload, timestamp_ms, writer_id "
            + "FROM journal WHERE persistence_id = $pid ORDER BY sequence_nr";
        cmd.Parameters.AddWithValue("$pid", id.Value);
        using var reader = cmd.ExecuteReader();
        var rows = 0L;
        var checksum = 0L;
        while (reader.Read())
        {
            // Read every column as the journal does, so the floor pays the same decoding.
            checksum += reader.GetString(0).Length + reader.GetInt64(1) + reader.GetInt32(2) + reader.GetString(3).Length
                + reader.GetFieldValue<byte[]>(4).Length + reader.GetInt64(5) + reader.GetString(6).Length;
            rows++;
        }

        GC.KeepAlive(checksum);
        return Task.FromResult(rows);
    }

    public override ValueTask DisposeAsync()
    {
        _floor?.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_options.DataDir))
        {
            Directory.Delete(_options.DataDir, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A connection with the journal's writer settings, so the floor pays the same fsyncs.</summary>
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _options.DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {_options.Synchronous.ToString().ToUpperInvariant()}; PRAGMA busy_timeout = 30000";
        pragma.ExecuteNonQuery();
        return connection;
    }
}

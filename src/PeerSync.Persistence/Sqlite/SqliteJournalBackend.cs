using Microsoft.Data.Sqlite;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.GroupCommit;
using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.Sqlite;

/// <summary>
/// Writes a group-commit batch in one IMMEDIATE transaction on the writer connection. A
/// single-event write is one INSERT, which SQLite rolls back alone on a key conflict; a
/// multi-event write runs inside a savepoint so a conflict on any of its rows undoes all of them.
/// </summary>
internal sealed class SqliteJournalBackend(SqliteDatabase database) : IGroupCommitBackend, IDisposable
{
    private const int SqliteConstraint = 19;

    // Reused across batches: SQLite keeps the statement compiled, so each row only binds values.
    private SqliteCommand? _insert;

    public Task<Exception?[]> WriteBatchAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken) =>
        database.WithWriterAsync(connection => WriteBatch(connection, batch), cancellationToken);

    private Exception?[] WriteBatch(SqliteConnection connection, IReadOnlyList<AtomicWrite> batch)
    {
        var results = new Exception?[batch.Count];
        using var tx = connection.BeginTransaction(deferred: false);
        var insert = Insert(connection);
        insert.Transaction = tx;
        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            if (write.Events.Count == 1)
            {
                try
                {
                    Bind(insert, write.Events[0]);
                    insert.ExecuteNonQuery();
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
                {
                    results[i] = new SequenceNrConflictException(write, ex);
                }

                continue;
            }

            tx.Save("atomic_write");
            try
            {
                foreach (var e in write.Events)
                {
                    Bind(insert, e);
                    insert.ExecuteNonQuery();
                }

                tx.Release("atomic_write");
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
            {
                tx.Rollback("atomic_write");
                tx.Release("atomic_write");
                results[i] = new SequenceNrConflictException(write, ex);
            }
        }

        tx.Commit();
        return results;
    }

    /// <summary>Releases the compiled statement; call on the writer connection before it closes.</summary>
    public void Dispose()
    {
        _insert?.Dispose();
        _insert = null;
    }

    private SqliteCommand Insert(SqliteConnection connection)
    {
        if (_insert is not null)
        {
            return _insert;
        }

        var cmd = connection.CreateCommand();
        cmd.CommandText =
            "INSERT INTO journal (persistence_id, sequence_nr, serializer_id, manifest, payload, timestamp_ms, writer_id) "
            + "VALUES ($pid, $seq, $ser, $man, $pay, $ts, $wid)";
        foreach (var name in (string[])["$pid", "$seq", "$ser", "$man", "$pay", "$ts", "$wid"])
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        _insert = cmd;
        return cmd;
    }

    private static void Bind(SqliteCommand insert, PersistentRepr e)
    {
        var p = insert.Parameters;
        p[0].Value = e.PersistenceId.Value;
        p[1].Value = e.SequenceNr;
        p[2].Value = e.Payload.SerializerId;
        p[3].Value = e.Payload.Manifest;
        p[4].Value = e.Payload.Bytes;
        p[5].Value = e.TimestampMs;
        p[6].Value = e.WriterId;
    }
}

using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.GroupCommit;
using PeerSync.Persistence.Journal;
using PeerSync.Persistence.Model;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.Sqlite;

/// <summary>
/// The SQLite journal: writes go through group commit on the node's one writer connection, reads
/// use pooled connections. Design: docs/design/persistence.md.
/// </summary>
internal sealed class SqliteJournal : IJournal
{
    private const string Columns = "persistence_id, sequence_nr, serializer_id, manifest, payload, timestamp_ms, writer_id";

    private readonly SqliteDatabase _database;
    private readonly SqliteJournalBackend _backend;
    private readonly GroupCommitWriter _writer;

    public SqliteJournal(SqliteDatabase database, JournalOptions options, ILogger logger)
    {
        _database = database;
        _backend = new SqliteJournalBackend(database);
        _writer = new GroupCommitWriter(_backend, options, logger, database.Location);
    }

    public Task WriteAsync(AtomicWrite write, CancellationToken cancellationToken = default) =>
        _writer.WriteAsync(write, cancellationToken);

    public async IAsyncEnumerable<PersistentRepr> ReplayAsync(
        PersistenceId persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!JournalArguments.CheckRange(persistenceId, fromSequenceNr, toSequenceNr, max))
        {
            yield break;
        }

        await Task.Yield();
        SqliteReaderLease? connection = null;
        SqliteCommand? cmd = null;
        SqliteDataReader? reader = null;
        try
        {
            try
            {
                connection = _database.OpenReader();
                cmd = connection.Value.CreateCommand();
                cmd.CommandText = $"SELECT {Columns} FROM journal WHERE persistence_id = $pid AND sequence_nr BETWEEN $from AND $to ORDER BY sequence_nr LIMIT $max";
                cmd.Parameters.AddWithValue("$pid", persistenceId.Value);
                cmd.Parameters.AddWithValue("$from", fromSequenceNr);
                cmd.Parameters.AddWithValue("$to", toSequenceNr);
                cmd.Parameters.AddWithValue("$max", max);
                reader = cmd.ExecuteReader();
            }
            catch (SqliteException ex)
            {
                throw ReadFailed(persistenceId, fromSequenceNr, ex);
            }

            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                PersistentRepr next;
                try
                {
                    if (!reader.Read())
                    {
                        break;
                    }

                    next = ReadRow(reader);
                }
                catch (SqliteException ex)
                {
                    throw ReadFailed(persistenceId, fromSequenceNr, ex);
                }

                yield return next;
            }
        }
        finally
        {
            reader?.Dispose();
            cmd?.Dispose();
            connection?.Dispose();
        }
    }

    public Task<long> ReadHighestSequenceNrAsync(PersistenceId persistenceId, long fromSequenceNr = 0, CancellationToken cancellationToken = default)
    {
        JournalArguments.CheckId(persistenceId);
        try
        {
            using var connection = _database.OpenReader();
            using var cmd = connection.CreateCommand();
            cmd.CommandText =
                "SELECT coalesce(max(m), 0) FROM ("
                + "SELECT max(sequence_nr) AS m FROM journal WHERE persistence_id = $pid "
                + "UNION ALL SELECT max_sequence_nr FROM journal_metadata WHERE persistence_id = $pid)";
            cmd.Parameters.AddWithValue("$pid", persistenceId.Value);
            var highest = Math.Max(Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), fromSequenceNr);

            // The writer now knows what the journal holds: writes after a failed one may go again.
            _writer.Fence.Clear(persistenceId);
            return Task.FromResult(highest);
        }
        catch (SqliteException ex)
        {
            throw new PersistenceStorageException(
                $"journal at {_database.Location} could not read the highest sequence nr of persistence id '{persistenceId}': {ex.Message}", persistenceId, null, ex);
        }
    }

    public async Task DeleteMessagesToAsync(PersistenceId persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        JournalArguments.CheckDelete(persistenceId, toSequenceNr);
        try
        {
            await _database.WithWriterAsync(connection => DeleteTo(connection, persistenceId, toSequenceNr), cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new PersistenceStorageException(
                $"journal at {_database.Location} could not delete persistence id '{persistenceId}' up to sequence nr {toSequenceNr}: {ex.Message}", persistenceId, toSequenceNr, ex);
        }
    }

    public Task<IReadOnlyList<PersistenceId>> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var connection = _database.OpenReader();
            using var cmd = connection.CreateCommand();

            // A loose index scan: one index seek per id instead of reading every event.
            cmd.CommandText =
                "WITH RECURSIVE ids(id) AS ("
                + "SELECT min(persistence_id) FROM journal "
                + "UNION ALL SELECT (SELECT min(persistence_id) FROM journal WHERE persistence_id > ids.id) FROM ids WHERE ids.id IS NOT NULL) "
                + "SELECT id FROM ids WHERE id IS NOT NULL UNION SELECT persistence_id FROM journal_metadata";
            var ids = new List<PersistenceId>();
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(PersistenceId.Parse(reader.GetString(0)));
            }

            ids.Sort();
            return Task.FromResult<IReadOnlyList<PersistenceId>>(ids);
        }
        catch (SqliteException ex)
        {
            throw new PersistenceStorageException($"journal at {_database.Location} could not list persistence ids: {ex.Message}", inner: ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _database.WithWriterAsync(_ => { _backend.Dispose(); return 0; }, CancellationToken.None).ConfigureAwait(false);
    }

    private static int DeleteTo(SqliteConnection connection, PersistenceId persistenceId, long toSequenceNr)
    {
        using var tx = connection.BeginTransaction(deferred: false);
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;

        // Keep the highest sequence nr before the events holding it go (see ReadHighestSequenceNrAsync).
        cmd.CommandText =
            "INSERT INTO journal_metadata (persistence_id, max_sequence_nr) "
            + "SELECT $pid, m FROM (SELECT max(sequence_nr) AS m FROM journal WHERE persistence_id = $pid AND sequence_nr <= $to) WHERE m IS NOT NULL "
            + "ON CONFLICT (persistence_id) DO UPDATE SET max_sequence_nr = max(max_sequence_nr, excluded.max_sequence_nr); "
            + "DELETE FROM journal WHERE persistence_id = $pid AND sequence_nr <= $to";
        cmd.Parameters.AddWithValue("$pid", persistenceId.Value);
        cmd.Parameters.AddWithValue("$to", toSequenceNr);
        var deleted = cmd.ExecuteNonQuery();
        tx.Commit();
        return deleted;
    }

    private static PersistentRepr ReadRow(SqliteDataReader reader) =>
        new(
            PersistenceId.Parse(reader.GetString(0)),
            reader.GetInt64(1),
            new SerializedPayload(reader.GetInt32(2), reader.GetString(3), reader.GetFieldValue<byte[]>(4)),
            reader.GetInt64(5),
            reader.GetString(6));

    private PersistenceStorageException ReadFailed(PersistenceId persistenceId, long fromSequenceNr, SqliteException ex) =>
        new($"journal at {_database.Location} could not replay persistence id '{persistenceId}' from sequence nr {fromSequenceNr}: {ex.Message}",
            persistenceId, fromSequenceNr, ex);
}

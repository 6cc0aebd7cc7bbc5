using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Npgsql;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.GroupCommit;
using PeerSync.Persistence.Journal;
using PeerSync.Persistence.Model;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.Postgres;

/// <summary>The PostgreSQL journal: group-committed writes, pooled reads. Design: docs/design/persistence.md.</summary>
internal sealed class PostgresJournal : IJournal
{
    private readonly PostgresDatabase _database;
    private readonly PostgresJournalBackend _backend;
    private readonly GroupCommitWriter _writer;

    public PostgresJournal(PostgresDatabase database, JournalOptions options, ILogger logger)
    {
        _database = database;
        _backend = new PostgresJournalBackend(database, logger);
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

        NpgsqlConnection? connection = null;
        NpgsqlCommand? cmd = null;
        NpgsqlDataReader? reader = null;
        try
        {
            // A pooled connection may have died while idle: one more try on a fresh one, before any
            // event was read.
            for (var attempt = 1; reader is null; attempt++)
            {
                try
                {
                    connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    cmd = new NpgsqlCommand(
                        "SELECT persistence_id, sequence_nr, serializer_id, manifest, payload, timestamp_ms, writer_id "
                        + $"FROM {_database.Table("journal")} WHERE persistence_id = @pid AND sequence_nr BETWEEN @from AND @to ORDER BY sequence_nr LIMIT @max",
                        connection);
                    cmd.Parameters.AddWithValue("pid", persistenceId.Value);
                    cmd.Parameters.AddWithValue("from", fromSequenceNr);
                    cmd.Parameters.AddWithValue("to", toSequenceNr);
                    cmd.Parameters.AddWithValue("max", max);
                    reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (NpgsqlException ex) when (attempt == 1 && PostgresFailures.LostConnection(ex))
                {
                    if (cmd is not null)
                    {
                        await cmd.DisposeAsync().ConfigureAwait(false);
                    }

                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                    }

                    (cmd, connection) = (null, null);
                    _database.DropLostConnections(ex, "a replay");
                }
                catch (NpgsqlException ex)
                {
                    throw ReadFailed(persistenceId, fromSequenceNr, ex);
                }
            }

            while (true)
            {
                PersistentRepr next;
                try
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }

                    next = new PersistentRepr(
                        PersistenceId.Parse(reader.GetString(0)),
                        reader.GetInt64(1),
                        new SerializedPayload(reader.GetInt32(2), reader.GetString(3), reader.GetFieldValue<byte[]>(4)),
                        reader.GetInt64(5),
                        reader.GetString(6));
                }
                catch (NpgsqlException ex)
                {
                    throw ReadFailed(persistenceId, fromSequenceNr, ex);
                }

                yield return next;
            }
        }
        finally
        {
            if (reader is not null)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }

            if (cmd is not null)
            {
                await cmd.DisposeAsync().ConfigureAwait(false);
            }

            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public async Task<long> ReadHighestSequenceNrAsync(PersistenceId persistenceId, long fromSequenceNr = 0, CancellationToken cancellationToken = default)
    {
        JournalArguments.CheckId(persistenceId);
        try
        {
            return await _database.RetryOnceOnLostConnectionAsync(
                async ct =>
                {
                    await using var cmd = _database.DataSource.CreateCommand(
                        $"SELECT GREATEST((SELECT max(sequence_nr) FROM {_database.Table("journal")} WHERE persistence_id = @pid), "
                        + $"(SELECT max_sequence_nr FROM {_database.Table("journal_metadata")} WHERE persistence_id = @pid), 0)");
                    cmd.Parameters.AddWithValue("pid", persistenceId.Value);
                    var highest = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;

                    // The writer now knows what the journal holds: writes after a failed one may go again.
                    _writer.Fence.Clear(persistenceId);
                    return Math.Max(highest, fromSequenceNr);
                },
                "a highest sequence nr read",
                cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
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
            await _database.RetryOnceOnLostConnectionAsync(
                async ct =>
                {
                    await using var connection = await _database.DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                    await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

                    // Keep the highest sequence nr before the events holding it go (see ReadHighestSequenceNrAsync).
                    await using (var keep = new NpgsqlCommand(
                        $"INSERT INTO {_database.Table("journal_metadata")} AS m (persistence_id, max_sequence_nr) "
                        + $"SELECT @pid, max(sequence_nr) FROM {_database.Table("journal")} WHERE persistence_id = @pid AND sequence_nr <= @to HAVING max(sequence_nr) IS NOT NULL "
                        + "ON CONFLICT (persistence_id) DO UPDATE SET max_sequence_nr = GREATEST(m.max_sequence_nr, EXCLUDED.max_sequence_nr)",
                        connection, tx))
                    {
                        keep.Parameters.AddWithValue("pid", persistenceId.Value);
                        keep.Parameters.AddWithValue("to", toSequenceNr);
                        await keep.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }

                    await using (var delete = new NpgsqlCommand(
                        $"DELETE FROM {_database.Table("journal")} WHERE persistence_id = @pid AND sequence_nr <= @to", connection, tx))
                    {
                        delete.Parameters.AddWithValue("pid", persistenceId.Value);
                        delete.Parameters.AddWithValue("to", toSequenceNr);
                        await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }

                    await tx.CommitAsync(ct).ConfigureAwait(false);
                },
                "a journal delete",
                cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw new PersistenceStorageException(
                $"journal at {_database.Location} could not delete persistence id '{persistenceId}' up to sequence nr {toSequenceNr}: {ex.Message}", persistenceId, toSequenceNr, ex);
        }
    }

    public async Task<IReadOnlyList<PersistenceId>> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _database.RetryOnceOnLostConnectionAsync(
                async ct =>
                {
                    // A loose index scan: one index probe per id instead of reading every event.
                    var journal = _database.Table("journal");
                    await using var cmd = _database.DataSource.CreateCommand(
                        $"WITH RECURSIVE ids(id) AS (SELECT min(persistence_id) FROM {journal} "
                        + $"UNION ALL SELECT (SELECT min(persistence_id) FROM {journal} WHERE persistence_id > ids.id) FROM ids WHERE ids.id IS NOT NULL) "
                        + $"SELECT id FROM ids WHERE id IS NOT NULL UNION SELECT persistence_id FROM {_database.Table("journal_metadata")}");
                    var ids = new List<PersistenceId>();
                    await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        ids.Add(PersistenceId.Parse(reader.GetString(0)));
                    }

                    ids.Sort();
                    return ids;
                },
                "a persistence id listing",
                cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw new PersistenceStorageException($"journal at {_database.Location} could not list persistence ids: {ex.Message}", inner: ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The writer commits what is queued first; its loop has ended when this returns.
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _backend.DisposeAsync().ConfigureAwait(false);
    }

    private PersistenceStorageException ReadFailed(PersistenceId persistenceId, long fromSequenceNr, NpgsqlException ex) =>
        new($"journal at {_database.Location} could not replay persistence id '{persistenceId}' from sequence nr {fromSequenceNr}: {ex.Message}",
            persistenceId, fromSequenceNr, ex);
}

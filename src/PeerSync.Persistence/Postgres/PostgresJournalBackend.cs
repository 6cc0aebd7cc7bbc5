using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.GroupCommit;
using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.Postgres;

/// <summary>
/// Writes a group-commit batch as ONE multi-row INSERT (arrays through unnest) in one
/// transaction. A key conflict aborts a PostgreSQL transaction as a whole, so then the batch runs
/// again with a savepoint around each write, which stores the others and rejects only the
/// conflicting ones. Conflicts are rare (a second writer of an id), so the fast path is the norm.
/// The group-commit loop is the only caller, one batch at a time, so the backend keeps its own
/// connection with the INSERT prepared on it: a pooled connection would be reset (a round of
/// RESET/DISCARD statements) on every return to the pool, which costs the server about a third of
/// a 100-row insert. After any failure but a key conflict the connection is dropped. When the kept
/// connection turns out dead before COMMIT was sent (the server restarted while the node was idle),
/// nothing of the batch is stored, so the batch runs once more on a fresh connection.
/// </summary>
internal sealed class PostgresJournalBackend(PostgresDatabase database, ILogger logger) : IGroupCommitBackend, IAsyncDisposable
{
    private const string UniqueViolation = "23505";

    private readonly string _insertSql =
        $"INSERT INTO {database.Table("journal")} (persistence_id, sequence_nr, serializer_id, manifest, payload, timestamp_ms, writer_id) "
        + "SELECT * FROM unnest(@pid, @seq, @ser, @man, @pay, @ts, @wid)";

    private NpgsqlConnection? _connection;
    private NpgsqlCommand? _insert;

    public async Task<Exception?[]> WriteBatchAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken)
    {
        var kept = _insert is not null;
        var attempt = new Attempt();
        try
        {
            return await WriteOnceAsync(batch, attempt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (kept && attempt.LostConnectionBeforeCommit)
        {
            // The connection kept from an earlier batch died while idle (a server restart, an idle
            // timeout): COMMIT was never sent, so nothing of this batch is stored. Once more on a
            // fresh connection; a failure there is a real outage and fails the batch.
            Log.WriterReconnected(logger, ex, database.Location, batch.Count);
            return await WriteOnceAsync(batch, new Attempt(), cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => CloseAsync();

    private async Task<Exception?[]> WriteOnceAsync(IReadOnlyList<AtomicWrite> batch, Attempt attempt, CancellationToken cancellationToken)
    {
        var insert = _insert ?? await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                await using var tx = await insert.Connection!.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await InsertAsync(insert, tx, batch, 0, batch.Count, cancellationToken).ConfigureAwait(false);
                attempt.Committing = true;
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new Exception?[batch.Count];
            }
            catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
            {
                attempt.Committing = true;
                return await WriteIsolatedAsync(insert, batch, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // A broken connection, a server restart, a failed commit: start over on a fresh one.
            attempt.LostConnectionBeforeCommit = !attempt.Committing && insert.Connection?.FullState is ConnectionState.Broken or ConnectionState.Closed;
            await CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<NpgsqlCommand> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var insert = new NpgsqlCommand(_insertSql, connection);
        try
        {
            insert.Parameters.Add(new NpgsqlParameter<string[]>("pid", NpgsqlDbType.Array | NpgsqlDbType.Text));
            insert.Parameters.Add(new NpgsqlParameter<long[]>("seq", NpgsqlDbType.Array | NpgsqlDbType.Bigint));
            insert.Parameters.Add(new NpgsqlParameter<int[]>("ser", NpgsqlDbType.Array | NpgsqlDbType.Integer));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("man", NpgsqlDbType.Array | NpgsqlDbType.Text));
            insert.Parameters.Add(new NpgsqlParameter<byte[][]>("pay", NpgsqlDbType.Array | NpgsqlDbType.Bytea));
            insert.Parameters.Add(new NpgsqlParameter<long[]>("ts", NpgsqlDbType.Array | NpgsqlDbType.Bigint));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("wid", NpgsqlDbType.Array | NpgsqlDbType.Text));
            await insert.PrepareAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await insert.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _connection = connection;
        _insert = insert;
        return insert;
    }

    private async ValueTask CloseAsync()
    {
        if (_insert is { } insert)
        {
            _insert = null;
            await insert.DisposeAsync().ConfigureAwait(false);
        }

        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<Exception?[]> WriteIsolatedAsync(NpgsqlCommand insert, IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken)
    {
        var results = new Exception?[batch.Count];
        await using var tx = await insert.Connection!.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < batch.Count; i++)
        {
            await tx.SaveAsync("atomic_write", cancellationToken).ConfigureAwait(false);
            try
            {
                await InsertAsync(insert, tx, batch, i, 1, cancellationToken).ConfigureAwait(false);
                await tx.ReleaseAsync("atomic_write", cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
            {
                await tx.RollbackAsync("atomic_write", cancellationToken).ConfigureAwait(false);
                await tx.ReleaseAsync("atomic_write", cancellationToken).ConfigureAwait(false);
                results[i] = new SequenceNrConflictException(batch[i], ex);
            }
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return results;
    }

    private static async Task InsertAsync(
        NpgsqlCommand insert, NpgsqlTransaction tx, IReadOnlyList<AtomicWrite> batch, int start, int count, CancellationToken cancellationToken)
    {
        var rows = 0;
        for (var i = start; i < start + count; i++)
        {
            rows += batch[i].Events.Count;
        }

        var pid = new string[rows];
        var seq = new long[rows];
        var ser = new int[rows];
        var man = new string[rows];
        var pay = new byte[rows][];
        var ts = new long[rows];
        var wid = new string[rows];
        var r = 0;
        for (var i = start; i < start + count; i++)
        {
            foreach (var e in batch[i].Events)
            {
                pid[r] = e.PersistenceId.Value;
                seq[r] = e.SequenceNr;
                ser[r] = e.Payload.SerializerId;
                man[r] = e.Payload.Manifest;
                pay[r] = e.Payload.Bytes;
                ts[r] = e.TimestampMs;
                wid[r] = e.WriterId;
                r++;
            }
        }

        var parameters = insert.Parameters;
        ((NpgsqlParameter<string[]>)parameters[0]).TypedValue = pid;
        ((NpgsqlParameter<long[]>)parameters[1]).TypedValue = seq;
        ((NpgsqlParameter<int[]>)parameters[2]).TypedValue = ser;
        ((NpgsqlParameter<string[]>)parameters[3]).TypedValue = man;
        ((NpgsqlParameter<byte[][]>)parameters[4]).TypedValue = pay;
        ((NpgsqlParameter<long[]>)parameters[5]).TypedValue = ts;
        ((NpgsqlParameter<string[]>)parameters[6]).TypedValue = wid;
        insert.Transaction = tx;
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How far one attempt at a batch got, for deciding whether it may run again.</summary>
    private sealed class Attempt
    {
        /// <summary>COMMIT (or the savepoint path, which ends in one) has been started: the outcome may be unknown.</summary>
        public bool Committing { get; set; }

        public bool LostConnectionBeforeCommit { get; set; }
    }
}

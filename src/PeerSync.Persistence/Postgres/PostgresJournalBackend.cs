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
/// </summary>
internal sealed class PostgresJournalBackend(PostgresDatabase database) : IGroupCommitBackend
{
    private const string UniqueViolation = "23505";

    private readonly string _insert =
        $"INSERT INTO {database.Table("journal")} (persistence_id, sequence_nr, serializer_id, manifest, payload, timestamp_ms, writer_id) "
        + "SELECT * FROM unnest(@pid, @seq, @ser, @man, @pay, @ts, @wid)";

    public async Task<Exception?[]> WriteBatchAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await InsertAsync(connection, tx, batch, 0, batch.Count, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new Exception?[batch.Count];
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
        {
            return await WriteIsolatedAsync(connection, batch, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Exception?[]> WriteIsolatedAsync(NpgsqlConnection connection, IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken)
    {
        var results = new Exception?[batch.Count];
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < batch.Count; i++)
        {
            await tx.SaveAsync("atomic_write", cancellationToken).ConfigureAwait(false);
            try
            {
                await InsertAsync(connection, tx, batch, i, 1, cancellationToken).ConfigureAwait(false);
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

    private async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<AtomicWrite> batch, int start, int count, CancellationToken cancellationToken)
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

        await using var cmd = new NpgsqlCommand(_insert, connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("pid", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = pid });
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("seq", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = seq });
        cmd.Parameters.Add(new NpgsqlParameter<int[]>("ser", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = ser });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("man", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = man });
        cmd.Parameters.Add(new NpgsqlParameter<byte[][]>("pay", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = pay });
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("ts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = ts });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("wid", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = wid });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

using Npgsql;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.Model;
using PeerSync.Persistence.Snapshots;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.Postgres;

/// <summary>The PostgreSQL snapshot store: the `snapshot` table of the configured schema.</summary>
internal sealed class PostgresSnapshotStore(PostgresDatabase database) : ISnapshotStore
{
    private const string Range =
        "persistence_id = @pid AND sequence_nr BETWEEN @minSeq AND @maxSeq AND timestamp_ms BETWEEN @minTs AND @maxTs";

    private readonly string _table = database.Table("snapshot");

    public async Task SaveAsync(SnapshotMetadata metadata, SerializedPayload snapshot, CancellationToken cancellationToken = default)
    {
        SnapshotArguments.Check(metadata, snapshot);
        try
        {
            await database.RetryOnceOnLostConnectionAsync(
                async ct =>
                {
                    await using var cmd = database.DataSource.CreateCommand(
                        $"INSERT INTO {_table} (persistence_id, sequence_nr, timestamp_ms, serializer_id, manifest, payload) "
                        + "VALUES (@pid, @seq, @ts, @ser, @man, @pay) "
                        + "ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET timestamp_ms = EXCLUDED.timestamp_ms, "
                        + "serializer_id = EXCLUDED.serializer_id, manifest = EXCLUDED.manifest, payload = EXCLUDED.payload");
                    cmd.Parameters.AddWithValue("pid", metadata.PersistenceId.Value);
                    cmd.Parameters.AddWithValue("seq", metadata.SequenceNr);
                    cmd.Parameters.AddWithValue("ts", metadata.TimestampMs);
                    cmd.Parameters.AddWithValue("ser", snapshot.SerializerId);
                    cmd.Parameters.AddWithValue("man", snapshot.Manifest);
                    cmd.Parameters.AddWithValue("pay", snapshot.Bytes);
                    await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                },
                "a snapshot save",
                cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Failed("save the snapshot of", metadata.PersistenceId, metadata.SequenceNr, ex);
        }
    }

    public async Task<SelectedSnapshot?> LoadAsync(PersistenceId persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        SnapshotArguments.Check(persistenceId, criteria);
        try
        {
            return await database.RetryOnceOnLostConnectionAsync(
                async ct =>
                {
                    await using var cmd = database.DataSource.CreateCommand(
                        $"SELECT sequence_nr, timestamp_ms, serializer_id, manifest, payload FROM {_table} WHERE {Range} ORDER BY sequence_nr DESC LIMIT 1");
                    Bind(cmd, persistenceId, criteria);
                    await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        return null;
                    }

                    var metadata = new SnapshotMetadata(persistenceId, reader.GetInt64(0), reader.GetInt64(1));
                    return new SelectedSnapshot(metadata, new SerializedPayload(reader.GetInt32(2), reader.GetString(3), reader.GetFieldValue<byte[]>(4)));
                },
                "a snapshot load",
                cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Failed("load a snapshot of", persistenceId, criteria.MaxSequenceNr, ex);
        }
    }

    public async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        try
        {
            await database.RetryOnceOnLostConnectionAsync(
                async ct =>
                {
                    await using var cmd = database.DataSource.CreateCommand($"DELETE FROM {_table} WHERE persistence_id = @pid AND sequence_nr = @seq");
                    cmd.Parameters.AddWithValue("pid", metadata.PersistenceId.Value);
                    cmd.Parameters.AddWithValue("seq", metadata.SequenceNr);
                    await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                },
                "a snapshot delete",
                cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Failed("delete the snapshot of", metadata.PersistenceId, metadata.SequenceNr, ex);
        }
    }

    public async Task DeleteAsync(PersistenceId persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        SnapshotArguments.Check(persistenceId, criteria);
        try
        {
            await database.RetryOnceOnLostConnectionAsync(
                async ct =>
                {
                    await using var cmd = database.DataSource.CreateCommand($"DELETE FROM {_table} WHERE {Range}");
                    Bind(cmd, persistenceId, criteria);
                    await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                },
                "a snapshot delete",
                cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Failed("delete snapshots of", persistenceId, criteria.MaxSequenceNr, ex);
        }
    }

    /// <summary>The data source belongs to the node's <see cref="PersistenceStores"/>, which closes it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static void Bind(NpgsqlCommand cmd, PersistenceId persistenceId, SnapshotSelectionCriteria criteria)
    {
        cmd.Parameters.AddWithValue("pid", persistenceId.Value);
        cmd.Parameters.AddWithValue("minSeq", criteria.MinSequenceNr);
        cmd.Parameters.AddWithValue("maxSeq", criteria.MaxSequenceNr);
        cmd.Parameters.AddWithValue("minTs", criteria.MinTimestampMs);
        cmd.Parameters.AddWithValue("maxTs", criteria.MaxTimestampMs);
    }

    private PersistenceStorageException Failed(string what, PersistenceId persistenceId, long sequenceNr, NpgsqlException ex) =>
        new($"snapshot store at {database.Location} could not {what} persistence id '{persistenceId}' (sequence nr {sequenceNr}): {ex.Message}",
            persistenceId, sequenceNr, ex);
}

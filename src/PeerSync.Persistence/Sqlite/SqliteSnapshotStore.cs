using Microsoft.Data.Sqlite;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.Model;
using PeerSync.Persistence.Snapshots;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.Sqlite;

/// <summary>The SQLite snapshot store: the `snapshot` table of the node's database file.</summary>
internal sealed class SqliteSnapshotStore(SqliteDatabase database) : ISnapshotStore
{
    private const string Range =
        "persistence_id = $pid AND sequence_nr BETWEEN $minSeq AND $maxSeq AND timestamp_ms BETWEEN $minTs AND $maxTs";

    public async Task SaveAsync(SnapshotMetadata metadata, SerializedPayload snapshot, CancellationToken cancellationToken = default)
    {
        SnapshotArguments.Check(metadata, snapshot);
        try
        {
            await database.WithWriterAsync(
                connection =>
                {
                    using var cmd = connection.CreateCommand();
                    cmd.CommandText =
                        "INSERT INTO snapshot (persistence_id, sequence_nr, timestamp_ms, serializer_id, manifest, payload) "
                        + "VALUES ($pid, $seq, $ts, $ser, $man, $pay) "
                        + "ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET timestamp_ms = excluded.timestamp_ms, "
                        + "serializer_id = excluded.serializer_id, manifest = excluded.manifest, payload = excluded.payload";
                    cmd.Parameters.AddWithValue("$pid", metadata.PersistenceId.Value);
                    cmd.Parameters.AddWithValue("$seq", metadata.SequenceNr);
                    cmd.Parameters.AddWithValue("$ts", metadata.TimestampMs);
                    cmd.Parameters.AddWithValue("$ser", snapshot.SerializerId);
                    cmd.Parameters.AddWithValue("$man", snapshot.Manifest);
                    cmd.Parameters.AddWithValue("$pay", snapshot.Bytes);
                    return cmd.ExecuteNonQuery();
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Failed("save the snapshot of", metadata.PersistenceId, metadata.SequenceNr, ex);
        }
    }

    public Task<SelectedSnapshot?> LoadAsync(PersistenceId persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        SnapshotArguments.Check(persistenceId, criteria);
        try
        {
            using var connection = database.OpenReader();
            using var cmd = connection.CreateCommand();
            cmd.CommandText =
                $"SELECT sequence_nr, timestamp_ms, serializer_id, manifest, payload FROM snapshot WHERE {Range} ORDER BY sequence_nr DESC LIMIT 1";
            Bind(cmd, persistenceId, criteria);
            using var reader = cmd.ExecuteReader();
            if (!reader.Read())
            {
                return Task.FromResult<SelectedSnapshot?>(null);
            }

            var metadata = new SnapshotMetadata(persistenceId, reader.GetInt64(0), reader.GetInt64(1));
            var payload = new SerializedPayload(reader.GetInt32(2), reader.GetString(3), reader.GetFieldValue<byte[]>(4));
            return Task.FromResult<SelectedSnapshot?>(new SelectedSnapshot(metadata, payload));
        }
        catch (SqliteException ex)
        {
            throw Failed("load a snapshot of", persistenceId, criteria.MaxSequenceNr, ex);
        }
    }

    public async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        try
        {
            await database.WithWriterAsync(
                connection =>
                {
                    using var cmd = connection.CreateCommand();
                    cmd.CommandText = "DELETE FROM snapshot WHERE persistence_id = $pid AND sequence_nr = $seq";
                    cmd.Parameters.AddWithValue("$pid", metadata.PersistenceId.Value);
                    cmd.Parameters.AddWithValue("$seq", metadata.SequenceNr);
                    return cmd.ExecuteNonQuery();
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Failed("delete the snapshot of", metadata.PersistenceId, metadata.SequenceNr, ex);
        }
    }

    public async Task DeleteAsync(PersistenceId persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        SnapshotArguments.Check(persistenceId, criteria);
        try
        {
            await database.WithWriterAsync(
                connection =>
                {
                    using var cmd = connection.CreateCommand();
                    cmd.CommandText = $"DELETE FROM snapshot WHERE {Range}";
                    Bind(cmd, persistenceId, criteria);
                    return cmd.ExecuteNonQuery();
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Failed("delete snapshots of", persistenceId, criteria.MaxSequenceNr, ex);
        }
    }

    /// <summary>The database belongs to the node's <see cref="PersistenceStores"/>, which closes it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static void Bind(SqliteCommand cmd, PersistenceId persistenceId, SnapshotSelectionCriteria criteria)
    {
        cmd.Parameters.AddWithValue("$pid", persistenceId.Value);
        cmd.Parameters.AddWithValue("$minSeq", criteria.MinSequenceNr);
        cmd.Parameters.AddWithValue("$maxSeq", criteria.MaxSequenceNr);
        cmd.Parameters.AddWithValue("$minTs", criteria.MinTimestampMs);
        cmd.Parameters.AddWithValue("$maxTs", criteria.MaxTimestampMs);
    }

    private PersistenceStorageException Failed(string what, PersistenceId persistenceId, long sequenceNr, SqliteException ex) =>
        new($"snapshot store at {database.Location} could not {what} persistence id '{persistenceId}' (sequence nr {sequenceNr}): {ex.Message}",
            persistenceId, sequenceNr, ex);
}

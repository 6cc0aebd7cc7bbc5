using System.Data.Common;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage.Sql;

/// <summary>
/// One transaction on one connection; rows mapped to and from the sync model. Disposing it ends the
/// transaction and hands the connection to <paramref name="release"/>.
/// </summary>
internal sealed class SqlSession(SqlDialect d, DbConnection connection, DbTransaction transaction, Func<DbConnection, ValueTask> release) : IStoreSession
{
    private const string RecordColumns = "collection, rkey, owned, deleted, value, hlc, origin_node, origin_epoch, position";

    // Bounds one round trip: queued writes, and point lookups.
    private const int MaxQueuedWrites = 512;
    private const int MaxLookupsPerBatch = 500;

    // Writes queued for one round trip (providers that batch); sent before any read and at commit.
    private DbBatch? _pending;

    private string T(string name) => d.Table(name);

    public async ValueTask<StoredRecord?> GetRecordAsync(RecordCursor at, CancellationToken ct)
    {
        var rows = await RecordsAsync($"SELECT {RecordColumns} FROM {T("records")} WHERE collection = @c AND rkey = @k", ct, ("@c", at.Collection.Value), ("@k", at.Key.Value)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async ValueTask<IReadOnlyList<StoredRecord>> GetRecordsAsync(IReadOnlyCollection<RecordCursor> cursors, CancellationToken ct)
    {
        var found = new List<StoredRecord>(cursors.Count);
        if (!connection.CanCreateBatch)
        {
            foreach (var cursor in cursors)
            {
                if (await GetRecordAsync(cursor, ct).ConfigureAwait(false) is { } record)
                {
                    found.Add(record);
                }
            }

            return found;
        }

        // One point lookup per key, sent together: each is a primary-key probe whatever the
        // table's statistics say (one `rkey IN (...)` query was planned as a scan of the whole
        // collection while a fresh table had not been analyzed yet).
        await FlushAsync(ct).ConfigureAwait(false);
        foreach (var chunk in cursors.Chunk(MaxLookupsPerBatch))
        {
            await using var batch = NewBatch();
            foreach (var cursor in chunk)
            {
                var lookup = batch.CreateBatchCommand();
                lookup.CommandText = $"SELECT {RecordColumns} FROM {T("records")} WHERE collection = @c AND rkey = @k";
                AddParameter(lookup, "@c", cursor.Collection.Value);
                AddParameter(lookup, "@k", cursor.Key.Value);
                batch.BatchCommands.Add(lookup);
            }

            await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            do
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    found.Add(ReadRecord(reader));
                }
            }
            while (await reader.NextResultAsync(ct).ConfigureAwait(false));
        }

        return found;
    }

    public ValueTask UpsertRecordAsync(StoredRecord record, CancellationToken ct)
    {
        var v = record.Version;
        return ExecuteAsync(
            $"INSERT INTO {T("records")} ({RecordColumns}, bucket) VALUES (@c, @k, @o, @d, @v, @h, @n, @e, @p, @b) " +
            "ON CONFLICT (collection, rkey) DO UPDATE SET owned = excluded.owned, deleted = excluded.deleted, value = excluded.value, hlc = excluded.hlc, " +
            "origin_node = excluded.origin_node, origin_epoch = excluded.origin_epoch, position = excluded.position, bucket = excluded.bucket",
            ct,
            ("@c", v.Collection.Value), ("@k", v.Key.Value), ("@o", v.Kind == CollectionKind.Owned ? 1L : 0L), ("@d", v.Deleted ? 1L : 0L),
            ("@v", v.Value), ("@h", v.Stamp.Hlc.ToInt64()), ("@n", v.Stamp.Origin.Node.Value), ("@e", Epoch(v.Stamp.Origin.Epoch)),
            ("@p", record.Position), ("@b", (long)RecordHashing.Bucket(v.Collection, v.Key)));
    }

    public ValueTask DeleteRecordAsync(RecordCursor at, CancellationToken ct) =>
        ExecuteAsync($"DELETE FROM {T("records")} WHERE collection = @c AND rkey = @k", ct, ("@c", at.Collection.Value), ("@k", at.Key.Value));

    public async ValueTask<IReadOnlyList<StoredRecord>> ScanRecordsAsync(RecordCursor? afterExclusive, RecordCursor? throughInclusive, int limit, CancellationToken ct)
    {
        var where = new List<string>();
        var args = new List<(string, object?)> { ("@l", (long)limit) };
        if (afterExclusive is { } a)
        {
            where.Add("(collection, rkey) > (@ac, @ak)");
            args.Add(("@ac", a.Collection.Value));
            args.Add(("@ak", a.Key.Value));
        }

        if (throughInclusive is { } t)
        {
            where.Add("(collection, rkey) <= (@tc, @tk)");
            args.Add(("@tc", t.Collection.Value));
            args.Add(("@tk", t.Key.Value));
        }

        var filter = where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where);
        return await RecordsAsync($"SELECT {RecordColumns} FROM {T("records")}{filter} ORDER BY collection, rkey LIMIT @l", ct, [.. args]).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<StoredRecord>> ListLiveAsync(CollectionName collection, RecordKey? afterExclusive, int limit, CancellationToken ct) =>
        await RecordsAsync(
            $"SELECT {RecordColumns} FROM {T("records")} WHERE collection = @c AND rkey > @k AND deleted = 0 ORDER BY rkey LIMIT @l",
            ct, ("@c", collection.Value), ("@k", afterExclusive?.Value ?? ""), ("@l", (long)limit)).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<StoredRecord>> ReadOwnedStreamAsync(OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int limit, CancellationToken ct) =>
        await RecordsAsync(
            $"SELECT {RecordColumns} FROM {T("records")} WHERE owned = 1 AND origin_node = @n AND origin_epoch = @e AND hlc > @a AND hlc <= @t ORDER BY hlc LIMIT @l",
            ct, ("@n", origin.Node.Value), ("@e", Epoch(origin.Epoch)), ("@a", afterExclusive.ToInt64()), ("@t", throughInclusive.ToInt64()), ("@l", (long)limit)).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<StoredRecord>> ReadTombstonesAsync(Hlc through, int limit, CancellationToken ct) =>
        await RecordsAsync(
            $"SELECT {RecordColumns} FROM {T("records")} WHERE deleted = 1 AND hlc <= @t ORDER BY hlc LIMIT @l",
            ct, ("@t", through.ToInt64()), ("@l", (long)limit)).ConfigureAwait(false);

    public ValueTask<long> CountTombstonesAsync(CancellationToken ct) =>
        ScalarAsync($"SELECT COUNT(*) FROM {T("records")} WHERE deleted = 1", ct);

    public async ValueTask<IReadOnlyList<StoredRecord>> ReadFeedAsync(long afterPosition, int limit, CancellationToken ct) =>
        await RecordsAsync(
            $"SELECT {RecordColumns} FROM {T("records")} WHERE position > @p ORDER BY position LIMIT @l",
            ct, ("@p", afterPosition), ("@l", (long)limit)).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<StoredRecord>> ReadBucketsAsync(CollectionName collection, IReadOnlyCollection<int> buckets, CancellationToken ct)
    {
        var list = buckets.Distinct().ToList();
        if (list.Count == 0)
        {
            return [];
        }

        var args = new List<(string, object?)> { ("@c", collection.Value) };
        var names = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            names.Add("@b" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            args.Add((names[^1], (long)list[i]));
        }

        return await RecordsAsync(
            $"SELECT {RecordColumns} FROM {T("records")} WHERE collection = @c AND bucket IN ({string.Join(", ", names)})",
            ct, [.. args]).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<RecordVersion>> ReadLogAsync(OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int limit, CancellationToken ct)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        await using var command = Command(
            $"SELECT collection, rkey, deleted, value, hlc FROM {T("log")} WHERE origin_node = @n AND origin_epoch = @e AND hlc > @a AND hlc <= @t ORDER BY hlc LIMIT @l",
            ("@n", origin.Node.Value), ("@e", Epoch(origin.Epoch)), ("@a", afterExclusive.ToInt64()), ("@t", throughInclusive.ToInt64()), ("@l", (long)limit));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<RecordVersion>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new RecordVersion(
                CollectionName.Parse(reader.GetString(0)),
                RecordKey.Parse(reader.GetString(1)),
                CollectionKind.Shared,
                reader.GetInt64(2) != 0,
                reader.IsDBNull(3) ? null : reader.GetString(3),
                new VersionStamp(Hlc.FromInt64(reader.GetInt64(4)), origin)));
        }

        return result;
    }

    public ValueTask AppendLogAsync(RecordVersion change, CancellationToken ct) =>
        ExecuteAsync(
            $"INSERT INTO {T("log")} (origin_node, origin_epoch, hlc, collection, rkey, deleted, value) VALUES (@n, @e, @h, @c, @k, @d, @v) ON CONFLICT DO NOTHING",
            ct, ("@n", change.Stamp.Origin.Node.Value), ("@e", Epoch(change.Stamp.Origin.Epoch)), ("@h", change.Stamp.Hlc.ToInt64()),
            ("@c", change.Collection.Value), ("@k", change.Key.Value), ("@d", change.Deleted ? 1L : 0L), ("@v", change.Value));

    public async ValueTask<long> PruneLogAsync(OriginId origin, Hlc through, CancellationToken ct)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        await using var command = Command(
            $"DELETE FROM {T("log")} WHERE origin_node = @n AND origin_epoch = @e AND hlc <= @t",
            ("@n", origin.Node.Value), ("@e", Epoch(origin.Epoch)), ("@t", through.ToInt64()));
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public ValueTask<long> CountLogAsync(OriginId? origin, CancellationToken ct) =>
        origin is { } o
            ? ScalarAsync($"SELECT COUNT(*) FROM {T("log")} WHERE origin_node = @n AND origin_epoch = @e", ct, ("@n", o.Node.Value), ("@e", Epoch(o.Epoch)))
            : ScalarAsync($"SELECT COUNT(*) FROM {T("log")}", ct);

    public ValueTask<long> CountLogAfterAsync(OriginId origin, Hlc afterExclusive, CancellationToken ct) =>
        CountStreamRowsAsync("log", "", origin, afterExclusive, ct);

    public ValueTask<long> CountOwnedAfterAsync(OriginId origin, Hlc afterExclusive, CancellationToken ct) =>
        CountStreamRowsAsync("records", "owned = 1 AND ", origin, afterExclusive, ct);

    public async ValueTask<IReadOnlyList<OriginState>> ReadOriginsAsync(CancellationToken ct)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        await using var command = Command($"SELECT node, epoch, applied_hlc, floor_hlc FROM {T("origins")} ORDER BY node, epoch");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<OriginState>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new OriginState(
                new OriginId(NodeId.Parse(reader.GetString(0)), new DataEpoch(unchecked((ulong)reader.GetInt64(1)))),
                Hlc.FromInt64(reader.GetInt64(2)),
                Hlc.FromInt64(reader.GetInt64(3))));
        }

        return result;
    }

    public ValueTask UpsertOriginAsync(OriginState state, CancellationToken ct) =>
        ExecuteAsync(
            $"INSERT INTO {T("origins")} (node, epoch, applied_hlc, floor_hlc) VALUES (@n, @e, @a, @f) ON CONFLICT (node, epoch) DO UPDATE SET applied_hlc = excluded.applied_hlc, floor_hlc = excluded.floor_hlc",
            ct, ("@n", state.Origin.Node.Value), ("@e", Epoch(state.Origin.Epoch)), ("@a", state.Applied.ToInt64()), ("@f", state.Floor.ToInt64()));

    public async ValueTask<IReadOnlyList<BucketState>> ReadBucketStatesAsync(CollectionName? collection, IReadOnlyCollection<int>? buckets, CancellationToken ct)
    {
        var filter = buckets is null ? "" : " AND bucket IN (" + string.Join(", ", buckets.Distinct().Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")";
        if (buckets is { Count: 0 })
        {
            return [];
        }

        await FlushAsync(ct).ConfigureAwait(false);
        await using var command = collection is { } c
            ? Command($"SELECT collection, bucket, live_count, fingerprint FROM {T("buckets")} WHERE collection = @c{filter} ORDER BY bucket", ("@c", c.Value))
            : Command($"SELECT collection, bucket, live_count, fingerprint FROM {T("buckets")} ORDER BY collection, bucket");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<BucketState>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new BucketState(CollectionName.Parse(reader.GetString(0)), (int)reader.GetInt64(1), reader.GetInt64(2), unchecked((ulong)reader.GetInt64(3))));
        }

        return result;
    }

    public ValueTask UpsertBucketStateAsync(BucketState state, CancellationToken ct) =>
        ExecuteAsync(
            $"INSERT INTO {T("buckets")} (collection, bucket, live_count, fingerprint) VALUES (@c, @b, @n, @f) ON CONFLICT (collection, bucket) DO UPDATE SET live_count = excluded.live_count, fingerprint = excluded.fingerprint",
            ct, ("@c", state.Collection.Value), ("@b", (long)state.Bucket), ("@n", state.Count), ("@f", unchecked((long)state.Fingerprint)));

    public async ValueTask<IReadOnlyList<CollectionState>> ReadCollectionStatesAsync(CollectionName? collection, CancellationToken ct)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        await using var command = collection is { } c
            ? Command($"SELECT collection, live_count, value_hash FROM {T("collections")} WHERE collection = @c", ("@c", c.Value))
            : Command($"SELECT collection, live_count, value_hash FROM {T("collections")} ORDER BY collection");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<CollectionState>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new CollectionState(CollectionName.Parse(reader.GetString(0)), reader.GetInt64(1), unchecked((ulong)reader.GetInt64(2))));
        }

        return result;
    }

    public ValueTask UpsertCollectionStateAsync(CollectionState state, CancellationToken ct) =>
        ExecuteAsync(
            $"INSERT INTO {T("collections")} (collection, live_count, value_hash) VALUES (@c, @n, @h) ON CONFLICT (collection) DO UPDATE SET live_count = excluded.live_count, value_hash = excluded.value_hash",
            ct, ("@c", state.Collection.Value), ("@n", state.Count), ("@h", unchecked((long)state.ValueHash)));

    public async ValueTask<string?> GetMetaAsync(string name, CancellationToken ct)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        await using var command = Command($"SELECT value FROM {T("meta")} WHERE name = @n", ("@n", name));
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }

    public ValueTask SetMetaAsync(string name, string? value, CancellationToken ct) =>
        value is null
            ? ExecuteAsync($"DELETE FROM {T("meta")} WHERE name = @n", ct, ("@n", name))
            : ExecuteAsync($"INSERT INTO {T("meta")} (name, value) VALUES (@n, @v) ON CONFLICT (name) DO UPDATE SET value = excluded.value", ct, ("@n", name), ("@v", value));

    public async ValueTask CommitAsync(CancellationToken ct)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // Writes never sent are dropped; disposing an uncommitted transaction rolls it back.
        try
        {
            if (_pending is { } unsent)
            {
                _pending = null;
                await unsent.DisposeAsync().ConfigureAwait(false);
            }

            await transaction.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await release(connection).ConfigureAwait(false);
        }
    }

    private static long Epoch(DataEpoch epoch) => unchecked((long)epoch.Value);

    /// <summary>Rows of <paramref name="table"/> matching <paramref name="filter"/> (empty, or conditions ending in AND) in an origin's stream above a position.</summary>
    private ValueTask<long> CountStreamRowsAsync(string table, string filter, OriginId origin, Hlc afterExclusive, CancellationToken ct) =>
        ScalarAsync(
            $"SELECT COUNT(*) FROM {T(table)} WHERE {filter}origin_node = @n AND origin_epoch = @e AND hlc > @a",
            ct,
            ("@n", origin.Node.Value),
            ("@e", Epoch(origin.Epoch)),
            ("@a", afterExclusive.ToInt64()));

    /// <summary>A command for a read (or a write whose result is needed): every queued write must have been sent.</summary>
    private DbCommand Command(string sql, params (string Name, object? Value)[] args)
    {
        if (_pending is not null)
        {
            throw new InvalidOperationException($"a statement ran before {_pending.BatchCommands.Count} queued writes were sent: {sql}");
        }

        var command = SqlBackend.Command(connection, transaction, sql);
        foreach (var (name, value) in args)
        {
            SqlBackend.Add(command, name, value);
        }

        return command;
    }

    /// <summary>
    /// A write whose result nobody reads. Where the provider batches (PostgreSQL), it is queued and
    /// sent with the others in one round trip before the next read or the commit; a failure then
    /// fails that read or the commit, and so the whole transaction, as it would have anyway.
    /// </summary>
    private async ValueTask ExecuteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        if (!connection.CanCreateBatch)
        {
            await using var command = Command(sql, args);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return;
        }

        var batch = _pending ??= NewBatch();
        var queued = batch.CreateBatchCommand();
        queued.CommandText = sql;
        foreach (var (name, value) in args)
        {
            AddParameter(queued, name, value);
        }

        batch.BatchCommands.Add(queued);
        if (batch.BatchCommands.Count >= MaxQueuedWrites)
        {
            await FlushAsync(ct).ConfigureAwait(false);
        }
    }

    private static void AddParameter(DbBatchCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private DbBatch NewBatch()
    {
        var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        return batch;
    }

    /// <summary>Sends the queued writes, if any, in one round trip.</summary>
    private async ValueTask FlushAsync(CancellationToken ct)
    {
        if (_pending is not { } batch)
        {
            return;
        }

        _pending = null;
        await using (batch.ConfigureAwait(false))
        {
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private async ValueTask<long> ScalarAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        await using var command = Command(sql, args);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async ValueTask<List<StoredRecord>> RecordsAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        await using var command = Command(sql, args);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<StoredRecord>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(ReadRecord(reader));
        }

        return result;
    }

    /// <summary>A row of <see cref="RecordColumns"/>.</summary>
    private static StoredRecord ReadRecord(DbDataReader reader)
    {
        var version = new RecordVersion(
            CollectionName.Parse(reader.GetString(0)),
            RecordKey.Parse(reader.GetString(1)),
            reader.GetInt64(2) != 0 ? CollectionKind.Owned : CollectionKind.Shared,
            reader.GetInt64(3) != 0,
            reader.IsDBNull(4) ? null : reader.GetString(4),
            new VersionStamp(
                Hlc.FromInt64(reader.GetInt64(5)),
                new OriginId(NodeId.Parse(reader.GetString(6)), new DataEpoch(unchecked((ulong)reader.GetInt64(7))))));
        return new StoredRecord(version, reader.GetInt64(8));
    }
}

using System.Data.Common;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage.Sql;

/// <summary>
/// One transaction on one connection (or, without <paramref name="transaction"/>, one read call:
/// one statement, or one batch in a snapshot from <paramref name="beginSnapshot"/> that the batch
/// ends; see <see cref="IStoreBackend.BeginOneReadAsync"/>); rows mapped to and from the sync
/// model. Disposing it ends the transaction and hands the connection to <paramref name="release"/>. Row writes whose result
/// nobody reads run at once (SQLite) or are queued (<see cref="SqlDialect.MultiRowWrites"/>,
/// PostgreSQL) and sent as one statement per table and kind before a read of a table they write,
/// at a bound and at commit; a failure then fails that read or the commit, and so the whole
/// transaction, as it would have anyway.
/// </summary>
internal sealed partial class SqlSession(
    SqlDialect d, DbConnection connection, DbTransaction? transaction, Func<DbConnection, ValueTask> release, Func<DbConnection, CancellationToken, ValueTask<DbTransaction>> beginSnapshot)
    : IStoreSession
{
    private const string RecordColumns = "collection, rkey, owned, deleted, value, hlc, origin_node, origin_epoch, position";
    private const string BucketColumns = "collection, bucket, live_count, fingerprint";
    private const string CollectionColumns = "collection, live_count, value_hash";
    private const string LogColumns = "collection, rkey, deleted, value, hlc";

    // Bounds one round trip: queued rows (a commit of 1000 local changes writes 2000 rows, a record
    // and a log entry each, so it goes out at once) and their text (at most a few tens of MB in one
    // statement, far below PostgreSQL's 1 GB per array).
    internal const int MaxQueuedRows = 4096;
    internal const long MaxQueuedTextChars = 8L << 20;

    // Row writes queued for one round trip (MultiRowWrites); sent before a read of a table they write, at a bound and at commit.
    private readonly PendingRows? _pending = d.MultiRowWrites ? new PendingRows() : null;

    // A one-read session: it starts without a transaction and may make one read call (round trip).
    private readonly bool _oneRead = transaction is null;

    // The session's transaction; a one-read session begins one for a batch of several statements.
    private DbTransaction? _transaction = transaction;

    // Read calls made so far (counted in a one-read session only).
    private int _reads;

    public async ValueTask<StoredRecord?> GetRecordAsync(RecordCursor at, CancellationToken ct)
    {
        var rows = await RecordsAsync($"SELECT {RecordColumns} FROM {d.Records.Name} WHERE collection = @c AND rkey = @k", ct, ("@c", at.Collection.Value), ("@k", at.Key.Value)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public ValueTask UpsertRecordAsync(StoredRecord record, CancellationToken ct)
    {
        var v = record.Version;
        return InsertAsync(
            d.Records,
            [
                v.Collection.Value, v.Key.Value, v.Kind == CollectionKind.Owned ? 1L : 0L, v.Deleted ? 1L : 0L, v.Value,
                v.Stamp.Hlc.ToInt64(), v.Stamp.Origin.Node.Value, Epoch(v.Stamp.Origin.Epoch), record.Position, (long)RecordHashing.Bucket(v.Collection, v.Key),
            ],
            ct);
    }

    public ValueTask DeleteRecordAsync(RecordCursor at, CancellationToken ct) => DeleteAsync(d.Records, [at.Collection.Value, at.Key.Value], ct);

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
        return await RecordsAsync($"SELECT {RecordColumns} FROM {d.Records.Name}{filter} ORDER BY collection, rkey LIMIT @l", ct, [.. args]).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<StoredRecord>> ListLiveAsync(CollectionName collection, RecordKey? afterExclusive, int limit, CancellationToken ct) =>
        await RecordsAsync(
            $"SELECT {RecordColumns} FROM {d.Records.Name} WHERE collection = @c AND rkey > @k AND deleted = 0 ORDER BY rkey LIMIT @l",
            ct, ("@c", collection.Value), ("@k", afterExclusive?.Value ?? ""), ("@l", (long)limit)).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<StoredRecord>> ReadOwnedStreamAsync(OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int limit, CancellationToken ct) =>
        await RecordsAsync(
            $"SELECT {RecordColumns} FROM {d.Records.Name} WHERE owned = 1 AND origin_node = @n AND origin_epoch = @e AND hlc > @a AND hlc <= @t ORDER BY hlc LIMIT @l",
            ct, ("@n", origin.Node.Value), ("@e", Epoch(origin.Epoch)), ("@a", afterExclusive.ToInt64()), ("@t", throughInclusive.ToInt64()), ("@l", (long)limit)).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<StoredRecord>> ReadTombstonesAsync(Hlc through, int limit, CancellationToken ct) =>
        await RecordsAsync(
            $"SELECT {RecordColumns} FROM {d.Records.Name} WHERE deleted = 1 AND hlc <= @t ORDER BY hlc LIMIT @l",
            ct, ("@t", through.ToInt64()), ("@l", (long)limit)).ConfigureAwait(false);

    public ValueTask<long> CountTombstonesAsync(CancellationToken ct) =>
        ScalarAsync(d.Records, $"SELECT COUNT(*) FROM {d.Records.Name} WHERE deleted = 1", ct);

    public async ValueTask<IReadOnlyList<StoredRecord>> ReadFeedAsync(long afterPosition, int limit, CancellationToken ct) =>
        await RecordsAsync(
            $"SELECT {RecordColumns} FROM {d.Records.Name} WHERE position > @p ORDER BY position LIMIT @l",
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
            $"SELECT {RecordColumns} FROM {d.Records.Name} WHERE collection = @c AND bucket IN ({string.Join(", ", names)})",
            ct, [.. args]).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<RecordVersion>> ReadLogAsync(OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int limit, CancellationToken ct)
    {
        await FlushAsync(d.Log, ct).ConfigureAwait(false);
        await using var command = Command(d.Log,
            $"SELECT {LogColumns} FROM {d.Log.Name} WHERE origin_node = @n AND origin_epoch = @e AND hlc > @a AND hlc <= @t ORDER BY hlc LIMIT @l",
            ("@n", origin.Node.Value), ("@e", Epoch(origin.Epoch)), ("@a", afterExclusive.ToInt64()), ("@t", throughInclusive.ToInt64()), ("@l", (long)limit));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<RecordVersion>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(ReadLogEntry(reader, origin));
        }

        return result;
    }

    public ValueTask AppendLogAsync(RecordVersion change, CancellationToken ct) =>
        InsertAsync(
            d.Log,
            [
                change.Stamp.Origin.Node.Value, Epoch(change.Stamp.Origin.Epoch), change.Stamp.Hlc.ToInt64(),
                change.Collection.Value, change.Key.Value, change.Deleted ? 1L : 0L, change.Value,
            ],
            ct);

    public async ValueTask<long> PruneLogAsync(OriginId origin, Hlc through, CancellationToken ct)
    {
        await FlushAsync(d.Log, ct).ConfigureAwait(false);
        await using var command = Command(d.Log,
            $"DELETE FROM {d.Log.Name} WHERE origin_node = @n AND origin_epoch = @e AND hlc <= @t",
            ("@n", origin.Node.Value), ("@e", Epoch(origin.Epoch)), ("@t", through.ToInt64()));
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public ValueTask<long> CountLogAsync(OriginId? origin, CancellationToken ct) =>
        origin is { } o
            ? ScalarAsync(d.Log, $"SELECT COUNT(*) FROM {d.Log.Name} WHERE origin_node = @n AND origin_epoch = @e", ct, ("@n", o.Node.Value), ("@e", Epoch(o.Epoch)))
            : ScalarAsync(d.Log, $"SELECT COUNT(*) FROM {d.Log.Name}", ct);

    public ValueTask<long> CountLogAfterAsync(OriginId origin, Hlc afterExclusive, CancellationToken ct) =>
        CountStreamRowsAsync(d.Log, "", origin, afterExclusive, ct);

    public ValueTask<long> CountOwnedAfterAsync(OriginId origin, Hlc afterExclusive, CancellationToken ct) =>
        CountStreamRowsAsync(d.Records, "owned = 1 AND ", origin, afterExclusive, ct);

    public async ValueTask<IReadOnlyList<OriginState>> ReadOriginsAsync(CancellationToken ct)
    {
        await FlushAsync(d.Origins, ct).ConfigureAwait(false);
        await using var command = Command(d.Origins, OriginsQuery);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<OriginState>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(ReadOrigin(reader));
        }

        return result;
    }

    public ValueTask UpsertOriginAsync(OriginState state, CancellationToken ct) =>
        InsertAsync(d.Origins, [state.Origin.Node.Value, Epoch(state.Origin.Epoch), state.Applied.ToInt64(), state.Floor.ToInt64()], ct);

    public async ValueTask<IReadOnlyList<BucketState>> ReadBucketStatesAsync(CollectionName? collection, IReadOnlyCollection<int>? buckets, CancellationToken ct)
    {
        var filter = buckets is null ? "" : " AND bucket IN (" + string.Join(", ", buckets.Distinct().Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")";
        if (buckets is { Count: 0 })
        {
            return [];
        }

        await FlushAsync(d.Buckets, ct).ConfigureAwait(false);
        await using var command = collection is { } c
            ? Command(d.Buckets, $"SELECT {BucketColumns} FROM {d.Buckets.Name} WHERE collection = @c{filter} ORDER BY bucket", ("@c", c.Value))
            : Command(d.Buckets, $"SELECT {BucketColumns} FROM {d.Buckets.Name} ORDER BY collection, bucket");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<BucketState>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(ReadBucket(reader));
        }

        return result;
    }

    public ValueTask UpsertBucketStateAsync(BucketState state, CancellationToken ct) =>
        InsertAsync(d.Buckets, [state.Collection.Value, (long)state.Bucket, state.Count, unchecked((long)state.Fingerprint)], ct);

    public async ValueTask<IReadOnlyList<CollectionState>> ReadCollectionStatesAsync(CollectionName? collection, CancellationToken ct)
    {
        await FlushAsync(d.Collections, ct).ConfigureAwait(false);
        await using var command = collection is { } c
            ? Command(d.Collections, $"SELECT {CollectionColumns} FROM {d.Collections.Name} WHERE collection = @c", ("@c", c.Value))
            : Command(d.Collections, $"SELECT {CollectionColumns} FROM {d.Collections.Name} ORDER BY collection");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<CollectionState>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(ReadCollection(reader));
        }

        return result;
    }

    public ValueTask UpsertCollectionStateAsync(CollectionState state, CancellationToken ct) =>
        InsertAsync(d.Collections, [state.Collection.Value, state.Count, unchecked((long)state.ValueHash)], ct);

    public async ValueTask<string?> GetMetaAsync(string name, CancellationToken ct)
    {
        await FlushAsync(d.Meta, ct).ConfigureAwait(false);
        await using var command = Command(d.Meta, $"SELECT value FROM {d.Meta.Name} WHERE name = @n", ("@n", name));
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }

    public ValueTask SetMetaAsync(string name, string? value, CancellationToken ct) =>
        value is null ? DeleteAsync(d.Meta, [name], ct) : InsertAsync(d.Meta, [name, value], ct);

    public async ValueTask CommitAsync(CancellationToken ct)
    {
        if (_oneRead || _transaction is not { } open)
        {
            throw new InvalidOperationException("a one-read session has no transaction to commit");
        }

        if (_pending is not { IsEmpty: false } pending)
        {
            await open.CommitAsync(ct).ConfigureAwait(false);
            return;
        }

        // The queued writes and COMMIT in one round trip. A failed write skips the rest of the
        // batch (COMMIT included) and fails this call; the transaction is then rolled back when
        // the session is disposed, as before. A transaction that had failed earlier would answer a
        // lone COMMIT with a silent ROLLBACK, but here a write always comes first and fails with
        // it. The provider sees the transaction end (the server reports it idle), so disposing
        // the transaction sends nothing more.
        await using var batch = NewBatch();
        pending.MoveTo(batch);
        var commit = batch.CreateBatchCommand();
        commit.CommandText = "COMMIT";
        batch.BatchCommands.Add(commit);
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // Writes never sent are dropped with the session; disposing an uncommitted transaction rolls it back.
        try
        {
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await release(connection).ConfigureAwait(false);
        }
    }

    private static long Epoch(DataEpoch epoch) => unchecked((long)epoch.Value);

    /// <summary>Rows of <paramref name="table"/> matching <paramref name="filter"/> (empty, or conditions ending in AND) in an origin's stream above a position.</summary>
    private ValueTask<long> CountStreamRowsAsync(SqlTable table, string filter, OriginId origin, Hlc afterExclusive, CancellationToken ct) =>
        ScalarAsync(
            table,
            $"SELECT COUNT(*) FROM {table.Name} WHERE {filter}origin_node = @n AND origin_epoch = @e AND hlc > @a",
            ct,
            ("@n", origin.Node.Value),
            ("@e", Epoch(origin.Epoch)),
            ("@a", afterExclusive.ToInt64()));

    /// <summary>A command on <paramref name="table"/> (a read, or a write whose result is needed): every queued write to it must have been sent.</summary>
    private DbCommand Command(SqlTable table, string sql, params (string Name, object? Value)[] args)
    {
        if (_pending is { } pending && pending.Touches(table))
        {
            throw new InvalidOperationException($"a statement on {table.Name} ran before the queued writes to it were sent: {sql}");
        }

        CountRead(sql);
        var command = SqlBackend.Command(connection, _transaction, sql);
        foreach (var (name, value) in args)
        {
            SqlBackend.Add(command, name, value);
        }

        return command;
    }

    /// <summary>Inserts (or upserts, by the table's conflict rule) a row whose result nobody reads: queued where the dialect writes many rows at once.</summary>
    private ValueTask InsertAsync(SqlTable table, object?[] row, CancellationToken ct)
    {
        if (_pending is null)
        {
            return ExecuteAsync(table, table.InsertRow, row, ct);
        }

        _pending.Insert(table, row);
        return FlushIfFullAsync(ct);
    }

    /// <summary>Deletes the row of <paramref name="key"/>: queued where the dialect writes many rows at once.</summary>
    private ValueTask DeleteAsync(SqlTable table, object?[] key, CancellationToken ct)
    {
        if (_pending is null)
        {
            return ExecuteAsync(table, table.DeleteRow, key, ct);
        }

        _pending.Delete(table, key);
        return FlushIfFullAsync(ct);
    }

    private ValueTask FlushIfFullAsync(CancellationToken ct) =>
        _pending is { } p && (p.Count >= MaxQueuedRows || p.TextChars >= MaxQueuedTextChars) ? FlushAsync(null, ct) : ValueTask.CompletedTask;

    /// <summary>One row statement, now: parameters @p0.. bound to <paramref name="values"/> in order.</summary>
    private async ValueTask ExecuteAsync(SqlTable table, string sql, object?[] values, CancellationToken ct)
    {
        await using var command = Command(table, sql);
        for (var i = 0; i < values.Length; i++)
        {
            SqlBackend.Add(command, SqlTable.Parameter(i), values[i]);
        }

        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private string OriginsSelect => $"SELECT node, epoch, applied_hlc, floor_hlc FROM {d.Origins.Name}";

    private string OriginsQuery => $"{OriginsSelect} ORDER BY node, epoch";

    /// <summary>
    /// Counts a round trip about to start (a statement, or a batch starting with <paramref name="sql"/>);
    /// a second one in a one-read session is a bug: it would read another snapshot than the first,
    /// or run after the transaction the first one ended.
    /// </summary>
    private void CountRead(string sql)
    {
        if (_oneRead && ++_reads > 1)
        {
            throw new InvalidOperationException($"a one-read session of the {d.Name} record store ran a second statement: {sql}");
        }
    }

    private DbBatch NewBatch()
    {
        var batch = connection.CreateBatch();
        batch.Transaction = _transaction;
        return batch;
    }

    /// <summary>
    /// Sends the queued row writes, if any, in one round trip: one statement per table and kind.
    /// Before a read of <paramref name="reading"/> only when a write to it is queued: tables have no
    /// triggers or foreign keys, so a read of one table cannot see writes to another; the writes
    /// then go out with a later read or at commit, in the same transaction.
    /// </summary>
    private async ValueTask FlushAsync(SqlTable? reading, CancellationToken ct)
    {
        if (_pending is not { IsEmpty: false } pending || (reading is not null && !pending.Touches(reading)))
        {
            return;
        }

        await using var batch = NewBatch();
        pending.MoveTo(batch);
        CountRead("the queued writes");
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private async ValueTask<long> ScalarAsync(SqlTable reads, string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await FlushAsync(reads, ct).ConfigureAwait(false);
        await using var command = Command(reads, sql, args);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async ValueTask<List<StoredRecord>> RecordsAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await FlushAsync(d.Records, ct).ConfigureAwait(false);
        await using var command = Command(d.Records, sql, args);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<StoredRecord>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(ReadRecord(reader));
        }

        return result;
    }

    /// <summary>A row of <see cref="OriginsSelect"/>.</summary>
    private static OriginState ReadOrigin(DbDataReader reader) =>
        new(
            new OriginId(NodeId.Parse(reader.GetString(0)), new DataEpoch(unchecked((ulong)reader.GetInt64(1)))),
            Hlc.FromInt64(reader.GetInt64(2)),
            Hlc.FromInt64(reader.GetInt64(3)));

    /// <summary>A row of <see cref="BucketColumns"/>.</summary>
    private static BucketState ReadBucket(DbDataReader reader) =>
        new(CollectionName.Parse(reader.GetString(0)), (int)reader.GetInt64(1), reader.GetInt64(2), unchecked((ulong)reader.GetInt64(3)));

    /// <summary>A row of <see cref="CollectionColumns"/>.</summary>
    private static CollectionState ReadCollection(DbDataReader reader) =>
        new(CollectionName.Parse(reader.GetString(0)), reader.GetInt64(1), unchecked((ulong)reader.GetInt64(2)));

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

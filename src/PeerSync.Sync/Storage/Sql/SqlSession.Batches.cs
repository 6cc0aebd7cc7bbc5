using System.Data.Common;
using System.Text.Json;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage.Sql;

/// <summary>
/// Reads of many rows by key, and several reads at once: one statement over arrays of keys and one
/// round trip where the dialect has round trips (<see cref="SqlDialect.MultiRowReads"/>,
/// PostgreSQL); otherwise (SQLite) reads one by one, and a lookup of many records as one statement
/// over a JSON array of keys.
/// </summary>
internal sealed partial class SqlSession
{
    public async ValueTask<IReadOnlyList<StoredRecord>> GetRecordsAsync(IReadOnlyCollection<RecordCursor> cursors, CancellationToken ct)
    {
        var distinct = cursors.Distinct().ToList();
        if (distinct.Count == 0)
        {
            return [];
        }

        if (d.MultiRowReads)
        {
            var found = new List<StoredRecord>(distinct.Count);
            await ReadBatchAsync([.. RecordsRead(distinct, found)], ct).ConfigureAwait(false);
            return found;
        }

        // SQLite: one statement over a JSON array of keys (json_extract decodes what the serializer
        // escapes, such as '+').
        var keys = JsonSerializer.Serialize(distinct.Select(c => new[] { c.Collection.Value, c.Key.Value }));
        return await RecordsAsync(d.Records.LookupRowsJson(RecordColumns), ct, (SqlTable.Parameter(0), keys)).ConfigureAwait(false);
    }

    public async ValueTask<OriginsAndMeta> ReadOriginsAndMetaAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        if (!d.MultiRowReads)
        {
            return await SessionReads.ReadOriginsAndMetaOneByOneAsync(this, names, ct).ConfigureAwait(false);
        }

        var (origins, meta) = (new List<OriginState>(), new Dictionary<string, string>(StringComparer.Ordinal));
        await ReadBatchAsync([OriginsRead(origins), MetaRead(names, meta)], ct).ConfigureAwait(false);
        return new OriginsAndMeta(origins, meta);
    }

    public async ValueTask<DigestStates> ReadDigestStatesAsync(IReadOnlyCollection<(CollectionName Collection, int Bucket)> buckets, IReadOnlyCollection<CollectionName> collections, CancellationToken ct)
    {
        if (!d.MultiRowReads)
        {
            return await SessionReads.ReadDigestStatesOneByOneAsync(this, buckets, collections, ct).ConfigureAwait(false);
        }

        var (bucketRows, collectionRows) = (new List<BucketState>(), new List<CollectionState>());
        await ReadBatchAsync([.. BucketsRead(buckets, bucketRows), .. CollectionsRead(collections, collectionRows)], ct).ConfigureAwait(false);
        return new DigestStates(bucketRows, collectionRows);
    }

    public async ValueTask<WriteStart> ReadWriteStartAsync(WriteStartReads reads, CancellationToken ct)
    {
        if (!d.MultiRowReads)
        {
            return await SessionReads.ReadWriteStartOneByOneAsync(this, reads, ct).ConfigureAwait(false);
        }

        var (origins, meta) = (new List<OriginState>(), new Dictionary<string, string>(StringComparer.Ordinal));
        var (records, bucketRows, collectionRows) = (new List<StoredRecord>(), new List<BucketState>(), new List<CollectionState>());
        var cursors = reads.Records.Distinct().ToList();
        await ReadBatchAsync(
            [
                OriginsRead(origins),
                MetaRead(reads.MetaNames, meta),
                .. RecordsRead(cursors, records),
                .. BucketsRead(reads.Buckets, bucketRows),
                .. CollectionsRead(reads.Collections, collectionRows),
            ],
            ct).ConfigureAwait(false);
        return new WriteStart(new OriginsAndMeta(origins, meta), records, new DigestStates(bucketRows, collectionRows));
    }

    private BatchRead OriginsRead(List<OriginState> into) =>
        new(d.Origins, OriginsQuery, [], reader => into.Add(ReadOrigin(reader)));

    private BatchRead MetaRead(IReadOnlyCollection<string> names, Dictionary<string, string> into) =>
        new(d.Meta, d.Meta.LookupRows("name, value"), [names.Distinct().ToArray()], reader => into[reader.GetString(0)] = reader.GetString(1));

    /// <summary>
    /// The read of these records (distinct cursors), or none for none: one statement for every key,
    /// through arrays, so no bound on the number of parameters.
    /// </summary>
    private IEnumerable<BatchRead> RecordsRead(List<RecordCursor> distinct, List<StoredRecord> into) =>
        distinct.Count == 0 ? [] :
        [
            new(
                d.Records,
                d.Records.LookupRows(RecordColumns),
                [distinct.Select(c => c.Collection.Value).ToArray(), distinct.Select(c => c.Key.Value).ToArray()],
                reader => into.Add(ReadRecord(reader))),
        ];

    /// <summary>The read of these buckets' states, or none for none.</summary>
    private IEnumerable<BatchRead> BucketsRead(IReadOnlyCollection<(CollectionName Collection, int Bucket)> buckets, List<BucketState> into)
    {
        var distinct = buckets.Distinct().ToList();
        return distinct.Count == 0 ? [] :
        [
            new(
                d.Buckets,
                d.Buckets.LookupRows(BucketColumns),
                [distinct.Select(b => b.Collection.Value).ToArray(), distinct.Select(b => (long)b.Bucket).ToArray()],
                reader => into.Add(ReadBucket(reader))),
        ];
    }

    /// <summary>The read of these collections' states, or none for none.</summary>
    private IEnumerable<BatchRead> CollectionsRead(IReadOnlyCollection<CollectionName> collections, List<CollectionState> into)
    {
        var distinct = collections.Distinct().ToList();
        return distinct.Count == 0 ? [] :
            [new(d.Collections, d.Collections.LookupRows(CollectionColumns), [distinct.Select(c => c.Value).ToArray()], reader => into.Add(ReadCollection(reader)))];
    }

    /// <summary>
    /// Several reads in one round trip (one batch): queued writes to any table read are sent first,
    /// then each read's rows go to its <see cref="BatchRead.Row"/>, in order. Parameters are @p0.. in order.
    /// In a one-read session several reads go out in a snapshot transaction that the batch ends.
    /// </summary>
    private async ValueTask ReadBatchAsync(IReadOnlyList<BatchRead> reads, CancellationToken ct)
    {
        if (reads.Count == 0)
        {
            return;
        }

        foreach (var read in reads)
        {
            await FlushAsync(read.Table, ct).ConfigureAwait(false);
        }

        CountRead(reads[0].Sql);
        var endsSnapshot = false;
        if (_transaction is null && reads.Count > 1)
        {
            // Statements outside a transaction each read a snapshot of their own, so several take a
            // REPEATABLE READ transaction, begun here (its BEGIN goes out ahead of the batch, in the
            // same write) and ended by the batch's last statement: ending it costs no round trip of
            // its own, and the connection goes back to the pool outside any transaction. A failed
            // statement skips the rest, ROLLBACK included; disposing the session then rolls back.
            _transaction = await beginSnapshot(connection, ct).ConfigureAwait(false);
            endsSnapshot = true;
        }

        await using var batch = NewBatch();
        foreach (var read in reads)
        {
            if (_pending is { } pending && pending.Touches(read.Table))
            {
                throw new InvalidOperationException($"a statement on {read.Table.Name} ran before the queued writes to it were sent: {read.Sql}");
            }

            var command = batch.CreateBatchCommand();
            command.CommandText = read.Sql;
            for (var i = 0; i < read.Args.Count; i++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = SqlTable.Parameter(i);
                parameter.Value = read.Args[i];
                command.Parameters.Add(parameter);
            }

            batch.BatchCommands.Add(command);
        }

        if (endsSnapshot)
        {
            var rollback = batch.CreateBatchCommand();
            rollback.CommandText = "ROLLBACK";
            batch.BatchCommands.Add(rollback);
        }

        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        foreach (var read in reads)
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                read.Row(reader);
            }

            await reader.NextResultAsync(ct).ConfigureAwait(false);
        }
    }
}

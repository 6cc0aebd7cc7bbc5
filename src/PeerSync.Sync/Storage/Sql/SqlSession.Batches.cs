using System.Data.Common;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage.Sql;

/// <summary>
/// Reads of many rows by key, and several reads at once: one statement over arrays of keys and one
/// round trip where the dialect has round trips (<see cref="SqlDialect.MultiRowReads"/>,
/// PostgreSQL), one statement per key or read otherwise (SQLite).
/// </summary>
internal sealed partial class SqlSession
{
    public async ValueTask<IReadOnlyList<StoredRecord>> GetRecordsAsync(IReadOnlyCollection<RecordCursor> cursors, CancellationToken ct)
    {
        var distinct = cursors.Distinct().ToList();
        var found = new List<StoredRecord>(distinct.Count);
        if (distinct.Count == 0)
        {
            return found;
        }

        if (!d.MultiRowReads)
        {
            foreach (var cursor in distinct)
            {
                if (await GetRecordAsync(cursor, ct).ConfigureAwait(false) is { } record)
                {
                    found.Add(record);
                }
            }

            return found;
        }

        // One statement for every key: two arrays, so no bound on the number of parameters.
        await FlushAsync(d.Records, ct).ConfigureAwait(false);
        await using var command = Command(d.Records, d.Records.LookupRows(RecordColumns),
            (SqlTable.Parameter(0), distinct.Select(c => c.Collection.Value).ToArray()),
            (SqlTable.Parameter(1), distinct.Select(c => c.Key.Value).ToArray()));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            found.Add(ReadRecord(reader));
        }

        return found;
    }

    public async ValueTask<OriginsAndMeta> ReadOriginsAndMetaAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!d.MultiRowReads)
        {
            var origins = await ReadOriginsAsync(ct).ConfigureAwait(false);
            foreach (var name in names.Distinct())
            {
                if (await GetMetaAsync(name, ct).ConfigureAwait(false) is { } value)
                {
                    meta[name] = value;
                }
            }

            return new OriginsAndMeta(origins, meta);
        }

        var read = new List<OriginState>();
        await ReadBatchAsync(
            [
                new BatchRead(d.Origins, OriginsQuery, [], reader => read.Add(ReadOrigin(reader))),
                new BatchRead(d.Meta, d.Meta.LookupRows("name, value"), [names.Distinct().ToArray()], reader => meta[reader.GetString(0)] = reader.GetString(1)),
            ],
            ct).ConfigureAwait(false);
        return new OriginsAndMeta(read, meta);
    }

    public async ValueTask<DigestStates> ReadDigestStatesAsync(IReadOnlyCollection<(CollectionName Collection, int Bucket)> buckets, IReadOnlyCollection<CollectionName> collections, CancellationToken ct)
    {
        if (!d.MultiRowReads)
        {
            var bucketStates = new List<BucketState>();
            foreach (var group in buckets.GroupBy(b => b.Collection))
            {
                bucketStates.AddRange(await ReadBucketStatesAsync(group.Key, [.. group.Select(b => b.Bucket)], ct).ConfigureAwait(false));
            }

            var collectionStates = new List<CollectionState>();
            foreach (var collection in collections.Distinct())
            {
                collectionStates.AddRange(await ReadCollectionStatesAsync(collection, ct).ConfigureAwait(false));
            }

            return new DigestStates(bucketStates, collectionStates);
        }

        var distinctBuckets = buckets.Distinct().ToList();
        var distinctCollections = collections.Distinct().ToList();
        var (bucketRows, collectionRows) = (new List<BucketState>(), new List<CollectionState>());
        await ReadBatchAsync(
            [
                new BatchRead(
                    d.Buckets,
                    d.Buckets.LookupRows(BucketColumns),
                    [distinctBuckets.Select(b => b.Collection.Value).ToArray(), distinctBuckets.Select(b => (long)b.Bucket).ToArray()],
                    reader => bucketRows.Add(ReadBucket(reader))),
                new BatchRead(
                    d.Collections,
                    d.Collections.LookupRows(CollectionColumns),
                    [distinctCollections.Select(c => c.Value).ToArray()],
                    reader => collectionRows.Add(ReadCollection(reader))),
            ],
            ct).ConfigureAwait(false);
        return new DigestStates(bucketRows, collectionRows);
    }

    /// <summary>
    /// Several reads in one round trip (one batch): queued writes to any table read are sent first,
    /// then each read's rows go to its <see cref="BatchRead.Row"/>, in order. Parameters are @p0.. in order.
    /// </summary>
    private async ValueTask ReadBatchAsync(IReadOnlyList<BatchRead> reads, CancellationToken ct)
    {
        foreach (var read in reads)
        {
            await FlushAsync(read.Table, ct).ConfigureAwait(false);
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

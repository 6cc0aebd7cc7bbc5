using System.Data.Common;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage.Sql;

/// <summary>
/// The reads of several statements that a read call makes (snapshot page, bucket entries, stream,
/// stream count): one batch, so one round trip, where the dialect has round trips
/// (<see cref="SqlDialect.MultiRowReads"/>, PostgreSQL); in a one-read session that batch also
/// begins and ends its snapshot transaction (see <see cref="ReadBatchAsync"/>). SQLite reads one
/// by one (<see cref="SessionReads"/>).
/// </summary>
internal sealed partial class SqlSession
{
    public async ValueTask<OriginsAndRecords> ReadOriginsAndScanAsync(RecordCursor? afterExclusive, int limit, CancellationToken ct)
    {
        if (!d.MultiRowReads)
        {
            return await SessionReads.ReadOriginsAndScanOneByOneAsync(this, afterExclusive, limit, ct).ConfigureAwait(false);
        }

        var (origins, records) = (new List<OriginState>(), new List<StoredRecord>());
        var scan = afterExclusive is { } a
            ? new BatchRead(
                d.Records,
                $"SELECT {RecordColumns} FROM {d.Records.Name} WHERE (collection, rkey) > (@p1, @p2) ORDER BY collection, rkey LIMIT @p0",
                [(long)limit, a.Collection.Value, a.Key.Value],
                reader => records.Add(ReadRecord(reader)))
            : new BatchRead(d.Records, $"SELECT {RecordColumns} FROM {d.Records.Name} ORDER BY collection, rkey LIMIT @p0", [(long)limit], reader => records.Add(ReadRecord(reader)));
        await ReadBatchAsync([OriginsRead(origins), scan], ct).ConfigureAwait(false);
        return new OriginsAndRecords(origins, records);
    }

    public async ValueTask<OriginsAndRecords> ReadOriginsAndBucketsAsync(CollectionName collection, IReadOnlyCollection<int> buckets, CancellationToken ct)
    {
        if (!d.MultiRowReads)
        {
            return await SessionReads.ReadOriginsAndBucketsOneByOneAsync(this, collection, buckets, ct).ConfigureAwait(false);
        }

        var (origins, records) = (new List<OriginState>(), new List<StoredRecord>());
        var distinct = buckets.Distinct().Select(b => (long)b).ToArray();
        BatchRead[] bucketRows = distinct.Length == 0 ? [] :
        [
            new(
                d.Records,
                $"SELECT {RecordColumns} FROM {d.Records.Name} WHERE collection = @p0 AND bucket = ANY(@p1)",
                [collection.Value, distinct],
                reader => records.Add(ReadRecord(reader))),
        ];
        await ReadBatchAsync([OriginsRead(origins), .. bucketRows], ct).ConfigureAwait(false);
        return new OriginsAndRecords(origins, records);
    }

    public async ValueTask<StreamRows> ReadStreamRowsAsync(OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int limit, CancellationToken ct)
    {
        if (!d.MultiRowReads)
        {
            return await SessionReads.ReadStreamRowsOneByOneAsync(this, origin, afterExclusive, throughInclusive, limit, ct).ConfigureAwait(false);
        }

        // The stream reads cannot wait for the origin's state, so they bound themselves by it: the
        // subquery yields its applied position only when the stream can be served from after (not
        // below the floor), and no row at all (so no HLC passes) when it cannot or the origin is
        // unknown. Parameters: @p0 node, @p1 epoch, @p2 after, @p3 through, @p4 limit.
        var bound = $"hlc > @p2 AND hlc <= @p3 AND hlc <= (SELECT applied_hlc FROM {d.Origins.Name} WHERE node = @p0 AND epoch = @p1 AND floor_hlc <= @p2)";
        object[] args = [origin.Node.Value, Epoch(origin.Epoch), afterExclusive.ToInt64(), throughInclusive.ToInt64(), (long)limit];
        var (state, log, owned) = ((OriginState?)null, new List<RecordVersion>(), new List<StoredRecord>());
        await ReadBatchAsync(
            [
                new(d.Origins, $"{OriginsSelect} WHERE node = @p0 AND epoch = @p1", args[..2], reader => state = ReadOrigin(reader)),
                new(d.Log, $"SELECT {LogColumns} FROM {d.Log.Name} WHERE origin_node = @p0 AND origin_epoch = @p1 AND {bound} ORDER BY hlc LIMIT @p4", args, reader => log.Add(ReadLogEntry(reader, origin))),
                new(d.Records, $"SELECT {RecordColumns} FROM {d.Records.Name} WHERE owned = 1 AND origin_node = @p0 AND origin_epoch = @p1 AND {bound} ORDER BY hlc LIMIT @p4", args, reader => owned.Add(ReadRecord(reader))),
            ],
            ct).ConfigureAwait(false);
        return new StreamRows(state, log, owned);
    }

    public async ValueTask<long> CountStreamAfterAsync(OriginId origin, Hlc afterExclusive, CancellationToken ct)
    {
        if (!d.MultiRowReads)
        {
            return await SessionReads.CountStreamAfterOneByOneAsync(this, origin, afterExclusive, ct).ConfigureAwait(false);
        }

        // One statement reads one snapshot by itself: no transaction needed in a one-read session.
        await FlushAsync(d.Log, ct).ConfigureAwait(false);
        const string Filter = "origin_node = @n AND origin_epoch = @e AND hlc > @a";
        return await ScalarAsync(
            d.Records,
            $"SELECT (SELECT COUNT(*) FROM {d.Log.Name} WHERE {Filter}) + (SELECT COUNT(*) FROM {d.Records.Name} WHERE owned = 1 AND {Filter})",
            ct,
            ("@n", origin.Node.Value),
            ("@e", Epoch(origin.Epoch)),
            ("@a", afterExclusive.ToInt64())).ConfigureAwait(false);
    }

    /// <summary>A row of <see cref="LogColumns"/> of <paramref name="origin"/>'s log.</summary>
    private static RecordVersion ReadLogEntry(DbDataReader reader, OriginId origin) =>
        new(
            CollectionName.Parse(reader.GetString(0)),
            RecordKey.Parse(reader.GetString(1)),
            CollectionKind.Shared,
            reader.GetInt64(2) != 0,
            reader.IsDBNull(3) ? null : reader.GetString(3),
            new VersionStamp(Hlc.FromInt64(reader.GetInt64(4)), origin));
}

using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage;

/// <summary>
/// The combined reads of <see cref="IStoreSession"/> made of its single reads, one after the other:
/// for providers where a read costs no round trip (in-memory, SQLite), so the combined reads mean the same on every provider.
/// </summary>
internal static class SessionReads
{
    public static async ValueTask<OriginsAndMeta> ReadOriginsAndMetaOneByOneAsync(IStoreSession session, IReadOnlyCollection<string> names, CancellationToken ct)
    {
        var origins = await session.ReadOriginsAsync(ct).ConfigureAwait(false);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names.Distinct())
        {
            if (await session.GetMetaAsync(name, ct).ConfigureAwait(false) is { } value)
            {
                meta[name] = value;
            }
        }

        return new OriginsAndMeta(origins, meta);
    }

    public static async ValueTask<DigestStates> ReadDigestStatesOneByOneAsync(
        IStoreSession session, IReadOnlyCollection<(CollectionName Collection, int Bucket)> buckets, IReadOnlyCollection<CollectionName> collections, CancellationToken ct)
    {
        var bucketStates = new List<BucketState>();
        foreach (var group in buckets.GroupBy(b => b.Collection))
        {
            bucketStates.AddRange(await session.ReadBucketStatesAsync(group.Key, [.. group.Select(b => b.Bucket)], ct).ConfigureAwait(false));
        }

        var collectionStates = new List<CollectionState>();
        foreach (var collection in collections.Distinct())
        {
            collectionStates.AddRange(await session.ReadCollectionStatesAsync(collection, ct).ConfigureAwait(false));
        }

        return new DigestStates(bucketStates, collectionStates);
    }

    public static async ValueTask<WriteStart> ReadWriteStartOneByOneAsync(IStoreSession session, WriteStartReads reads, CancellationToken ct)
    {
        var header = await session.ReadOriginsAndMetaAsync(reads.MetaNames, ct).ConfigureAwait(false);
        var records = await session.GetRecordsAsync(reads.Records, ct).ConfigureAwait(false);
        var digests = await session.ReadDigestStatesAsync(reads.Buckets, reads.Collections, ct).ConfigureAwait(false);
        return new WriteStart(header, records, digests);
    }

    public static async ValueTask<OriginsAndRecords> ReadOriginsAndScanOneByOneAsync(IStoreSession session, RecordCursor? afterExclusive, int limit, CancellationToken ct)
    {
        var origins = await session.ReadOriginsAsync(ct).ConfigureAwait(false);
        var records = await session.ScanRecordsAsync(afterExclusive, null, limit, ct).ConfigureAwait(false);
        return new OriginsAndRecords(origins, records);
    }

    public static async ValueTask<OriginsAndRecords> ReadOriginsAndBucketsOneByOneAsync(IStoreSession session, CollectionName collection, IReadOnlyCollection<int> buckets, CancellationToken ct)
    {
        var origins = await session.ReadOriginsAsync(ct).ConfigureAwait(false);
        var records = await session.ReadBucketsAsync(collection, buckets, ct).ConfigureAwait(false);
        return new OriginsAndRecords(origins, records);
    }

    public static async ValueTask<StreamRows> ReadStreamRowsOneByOneAsync(IStoreSession session, OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int limit, CancellationToken ct)
    {
        var state = (await session.ReadOriginsAsync(ct).ConfigureAwait(false)).FirstOrDefault(o => o.Origin == origin);
        var through = Hlc.Min(throughInclusive, state?.Applied ?? Hlc.Zero);
        if (afterExclusive < (state?.Floor ?? Hlc.Zero) || through <= afterExclusive)
        {
            return new StreamRows(state, [], []);
        }

        var log = await session.ReadLogAsync(origin, afterExclusive, through, limit, ct).ConfigureAwait(false);
        var owned = await session.ReadOwnedStreamAsync(origin, afterExclusive, through, limit, ct).ConfigureAwait(false);
        return new StreamRows(state, log, owned);
    }

    public static async ValueTask<long> CountStreamAfterOneByOneAsync(IStoreSession session, OriginId origin, Hlc afterExclusive, CancellationToken ct) =>
        await session.CountLogAfterAsync(origin, afterExclusive, ct).ConfigureAwait(false)
            + await session.CountOwnedAfterAsync(origin, afterExclusive, ct).ConfigureAwait(false);
}

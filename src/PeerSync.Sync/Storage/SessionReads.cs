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
}

using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage;

public sealed partial class RecordStore
{
    public const int MaxListLimit = 1000;

    public async Task<RecordVersion?> GetAsync(CollectionName collection, RecordKey key, CancellationToken cancellationToken = default)
    {
        var version = await GetVersionAsync(collection, key, cancellationToken).ConfigureAwait(false);
        return version is { Deleted: false } ? version : null;
    }

    public Task<RecordVersion?> GetVersionAsync(CollectionName collection, RecordKey key, CancellationToken cancellationToken = default) =>
        InOneReadAsync(async session => (await session.GetRecordAsync(new RecordCursor(collection, key), cancellationToken).ConfigureAwait(false))?.Version, cancellationToken);

    public Task<RecordPage> ListAsync(CollectionName collection, RecordKey? after, int limit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > MaxListLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit must be 1..{MaxListLimit}");
        }

        return InOneReadAsync(async session =>
        {
            var rows = await session.ListLiveAsync(collection, after, limit + 1, cancellationToken).ConfigureAwait(false);
            var items = rows.Take(limit).Select(r => r.Version).ToList();
            return new RecordPage(items, rows.Count > limit ? items[^1].Key : null);
        }, cancellationToken);
    }

    public Task<CollectionDigest> GetCollectionDigestAsync(CollectionName collection, CancellationToken cancellationToken = default) =>
        InOneReadAsync(async session =>
        {
            var state = (await session.ReadCollectionStatesAsync(collection, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            return new CollectionDigest(collection, state?.Count ?? 0, state?.ValueHash ?? 0);
        }, cancellationToken);

    public Task<IReadOnlyList<BucketDigests>> ReadBucketDigestsAsync(CancellationToken cancellationToken = default) =>
        InOneReadAsync(async session =>
        {
            var buckets = await session.ReadBucketStatesAsync(null, null, cancellationToken).ConfigureAwait(false);
            var result = new List<BucketDigests>();
            foreach (var group in buckets.GroupBy(b => b.Collection).OrderBy(g => g.Key))
            {
                ulong total = 0;
                long count = 0;
                var map = new SortedDictionary<int, ulong>();
                foreach (var bucket in group)
                {
                    if (bucket.Count == 0 && bucket.Fingerprint == 0)
                    {
                        continue;
                    }

                    map[bucket.Bucket] = bucket.Fingerprint;
                    unchecked
                    {
                        total += bucket.Fingerprint;
                    }

                    count += bucket.Count;
                }

                if (map.Count > 0)
                {
                    result.Add(new BucketDigests(group.Key, count, total, map));
                }
            }

            return (IReadOnlyList<BucketDigests>)result;
        }, cancellationToken);

    public Task<BucketEntries> ReadBucketEntriesAsync(CollectionName collection, IReadOnlyList<int> buckets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        if (buckets.Any(b => b is < 0 or >= AntiEntropyBuckets.Count))
        {
            throw new ArgumentOutOfRangeException(nameof(buckets), $"buckets are 0..{AntiEntropyBuckets.Count - 1}");
        }

        return InOneReadAsync(async session =>
        {
            // One read: the entries and the watermarks must describe the same moment, or "absent but
            // covered" could be concluded about a record that arrived in between.
            var (origins, rows) = await session.ReadOriginsAndBucketsAsync(collection, buckets, cancellationToken).ConfigureAwait(false);
            var applied = Watermarks.From(origins.Select(o => new KeyValuePair<OriginId, Hlc>(o.Origin, o.Applied)));
            var entries = rows.Select(r => new DigestEntry(r.Version.Key, r.Version.Stamp, r.Version.Deleted)).OrderBy(e => e.Key).ToList();
            return new BucketEntries(collection, [.. buckets], applied, entries);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<RecordVersion>> ReadVersionsAsync(CollectionName collection, IReadOnlyList<RecordKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var cursors = keys.Select(k => new RecordCursor(collection, k)).ToList();
        return InOneReadAsync(async session =>
        {
            var rows = await session.GetRecordsAsync(cursors, cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<RecordVersion>)[.. rows.Select(r => r.Version)];
        }, cancellationToken);
    }

    public Task<RepairApplyResult> ApplyRepairAsync(IReadOnlyList<RecordVersion> pulled, IReadOnlyList<RecordDeletion> deletions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pulled);
        ArgumentNullException.ThrowIfNull(deletions);
        foreach (var record in pulled)
        {
            if (record.Validate() is { } error)
            {
                throw new ArgumentException($"malformed repair record: {error}", nameof(pulled));
            }
        }

        return InWriteAsync([.. pulled.Select(r => r.Cursor).Concat(deletions.Select(d => d.Record))], async ctx =>
        {
            var changed = 0;
            foreach (var record in pulled)
            {
                if (await ctx.MergeAsync(record, cancellationToken).ConfigureAwait(false))
                {
                    changed++;
                }
            }

            var deleted = 0;
            foreach (var deletion in deletions)
            {
                var current = await ctx.GetRecordAsync(deletion.Record, cancellationToken).ConfigureAwait(false);
                if (current is { Version.Deleted: false } && current.Version.Stamp == deletion.Stamp)
                {
                    // A tombstone with the deleted version's own stamp: it beats that version (and
                    // only it) everywhere, so re-delivery of the version cannot resurrect it.
                    await ctx.PutAsync(current.Version, current.Version.AsTombstone(), cancellationToken).ConfigureAwait(false);
                    deleted++;
                }
            }

            return new RepairApplyResult(changed, deleted, [.. ctx.Changed]);
        }, cancellationToken);
    }

    public Task<ChangeFeedPage> ReadChangesAsync(long afterPosition, int limit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > MaxListLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit must be 1..{MaxListLimit}");
        }

        return InOneReadAsync(async session =>
        {
            var rows = await session.ReadFeedAsync(afterPosition, limit, cancellationToken).ConfigureAwait(false);
            var changes = rows.Select(r => new AppliedChange(r.Position, r.Version)).ToList();
            return new ChangeFeedPage(changes, changes.Count > 0 ? changes[^1].Position : afterPosition);
        }, cancellationToken);
    }

    public Task<long> ReadLastPositionAsync(CancellationToken cancellationToken = default) =>
        InOneReadAsync(async session => StoreMeta.ParseLong(await session.GetMetaAsync(StoreMeta.ApplyPosition, cancellationToken).ConfigureAwait(false), StoreMeta.ApplyPosition), cancellationToken);
}

using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Sync.AntiEntropy;

/// <summary>What this node repairs in one collection: records to pull from the peer, records to delete here.</summary>
public sealed record CollectionRepair(CollectionName Collection, IReadOnlyList<RecordKey> Pull, IReadOnlyList<RecordDeletion> Deletions)
{
    public bool IsEmpty => Pull.Count == 0 && Deletions.Count == 0;
}

/// <summary>
/// Compares digests and entries and plans the local side of a repair (pure). Each side plans for
/// itself with the same rules, so both converge without coordinating. See docs/design/anti-entropy.md.
/// </summary>
public static class RepairPlanner
{
    /// <summary>Buckets whose fingerprints differ, per collection, at most <paramref name="maxBuckets"/> in all.</summary>
    public static IReadOnlyList<(CollectionName Collection, IReadOnlyList<int> Buckets)> DifferingBuckets(
        IReadOnlyList<BucketDigests> local, IReadOnlyList<BucketDigests> remote, int maxBuckets)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        var mine = local.ToDictionary(d => d.Collection);
        var theirs = remote.ToDictionary(d => d.Collection);
        var result = new List<(CollectionName, IReadOnlyList<int>)>();
        var budget = maxBuckets;
        foreach (var collection in mine.Keys.Union(theirs.Keys).OrderBy(c => c))
        {
            if (budget <= 0)
            {
                break;
            }

            mine.TryGetValue(collection, out var a);
            theirs.TryGetValue(collection, out var b);
            if (a is not null && b is not null && a.Count == b.Count && a.Fingerprint == b.Fingerprint)
            {
                continue;
            }

            var buckets = new SortedSet<int>();
            foreach (var bucket in (a?.Buckets.Keys ?? []).Union(b?.Buckets.Keys ?? []))
            {
                ulong fa = 0, fb = 0;
                var hasA = a?.Buckets.TryGetValue(bucket, out fa) ?? false;
                var hasB = b?.Buckets.TryGetValue(bucket, out fb) ?? false;
                if (hasA != hasB || fa != fb)
                {
                    buckets.Add(bucket);
                }
            }

            var taken = buckets.Take(budget).ToList();
            budget -= taken.Count;
            if (taken.Count > 0)
            {
                result.Add((collection, taken));
            }
        }

        return result;
    }

    /// <summary>
    /// The rules, per key (m = mine, r = the peer's, tombstones included):
    /// both present: pull r when it wins last-writer-wins; only r: pull it unless my watermark covers
    /// it (then I saw it and a newer delete, and the peer will delete it by the next rule); only m,
    /// live: delete it when the peer's watermark covers it (absent-but-covered: the peer saw it and
    /// a newer delete whose tombstone was pruned), else the peer will pull it.
    /// </summary>
    public static CollectionRepair Plan(BucketEntries local, BucketEntries remote, int maxKeys)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        if (local.Collection != remote.Collection)
        {
            throw new ArgumentException($"entries of {local.Collection} compared with entries of {remote.Collection}", nameof(remote));
        }

        var mine = local.Entries.ToDictionary(e => e.Key);
        var theirs = remote.Entries.ToDictionary(e => e.Key);
        var pull = new List<RecordKey>();
        var deletions = new List<RecordDeletion>();
        foreach (var key in mine.Keys.Union(theirs.Keys).OrderBy(k => k))
        {
            if (pull.Count + deletions.Count >= maxKeys)
            {
                break;
            }

            mine.TryGetValue(key, out var m);
            theirs.TryGetValue(key, out var r);
            if (m is not null && r is not null)
            {
                var order = r.Stamp.CompareTo(m.Stamp);
                if (order > 0 || (order == 0 && r.Deleted && !m.Deleted))
                {
                    pull.Add(key);
                }
            }
            else if (r is not null)
            {
                if (!local.Applied.Covers(r.Stamp))
                {
                    pull.Add(key);
                }
            }
            else if (m is { Deleted: false } && remote.Applied.Covers(m.Stamp))
            {
                deletions.Add(new RecordDeletion(new RecordCursor(local.Collection, key), m.Stamp));
            }
        }

        return new CollectionRepair(local.Collection, pull, deletions);
    }
}

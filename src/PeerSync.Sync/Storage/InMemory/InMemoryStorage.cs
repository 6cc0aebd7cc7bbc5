using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage.InMemory;

/// <summary>
/// The data of an in-memory record store. It outlives the <see cref="RecordStore"/> opened on it,
/// so a test or simulation can "crash" a node (drop its machines and store) and reopen the same
/// data, which is what a durable store would keep.
/// </summary>
public sealed class InMemoryStorage
{
    internal static readonly RecordCursor MinCursor = new(CollectionName.Parse("0"), RecordKey.Parse("!"));
    internal static readonly RecordCursor MaxCursor = new(CollectionName.Parse(new string('z', CollectionName.MaxLength)), RecordKey.Parse(new string('~', RecordKey.MaxLength)));

    internal SemaphoreSlim Lock { get; } = new(1, 1);

    internal int SchemaVersion { get; set; }

    internal Dictionary<RecordCursor, StoredRecord> Records { get; } = [];

    internal SortedSet<RecordCursor> RecordOrder { get; } = [];

    internal Dictionary<OriginId, SortedSet<(Hlc Hlc, RecordCursor Cursor)>> OwnedStreams { get; } = [];

    internal SortedSet<(Hlc Hlc, RecordCursor Cursor)> Tombstones { get; } = [];

    internal SortedSet<(long Position, RecordCursor Cursor)> Feed { get; } = [];

    internal Dictionary<(CollectionName Collection, int Bucket), HashSet<RecordKey>> Buckets { get; } = [];

    internal Dictionary<OriginId, SortedDictionary<Hlc, RecordVersion>> Log { get; } = [];

    /// <summary>The log's positions per origin, for range reads (SortedDictionary cannot seek).</summary>
    internal Dictionary<OriginId, SortedSet<Hlc>> LogOrder { get; } = [];

    internal Dictionary<OriginId, OriginState> Origins { get; } = [];

    internal Dictionary<(CollectionName Collection, int Bucket), BucketState> BucketStates { get; } = [];

    internal Dictionary<CollectionName, CollectionState> CollectionStates { get; } = [];

    internal Dictionary<string, string> Meta { get; } = new(StringComparer.Ordinal);

    /// <summary>Sets or removes a record row, keeping every index in step.</summary>
    internal void PutRecord(RecordCursor cursor, StoredRecord? record)
    {
        if (Records.Remove(cursor, out var old))
        {
            RecordOrder.Remove(cursor);
            Feed.Remove((old.Position, cursor));
            if (old.Version.Kind == CollectionKind.Owned)
            {
                OwnedStreams[old.Version.Stamp.Origin].Remove((old.Version.Stamp.Hlc, cursor));
            }

            if (old.Version.Deleted)
            {
                Tombstones.Remove((old.Version.Stamp.Hlc, cursor));
            }

            Buckets[(cursor.Collection, RecordHashing.Bucket(cursor.Collection, cursor.Key))].Remove(cursor.Key);
        }

        if (record is null)
        {
            return;
        }

        Records[cursor] = record;
        RecordOrder.Add(cursor);
        Feed.Add((record.Position, cursor));
        var v = record.Version;
        if (v.Kind == CollectionKind.Owned)
        {
            if (!OwnedStreams.TryGetValue(v.Stamp.Origin, out var stream))
            {
                OwnedStreams[v.Stamp.Origin] = stream = [];
            }

            stream.Add((v.Stamp.Hlc, cursor));
        }

        if (v.Deleted)
        {
            Tombstones.Add((v.Stamp.Hlc, cursor));
        }

        var bucketKey = (cursor.Collection, RecordHashing.Bucket(cursor.Collection, cursor.Key));
        if (!Buckets.TryGetValue(bucketKey, out var keys))
        {
            Buckets[bucketKey] = keys = [];
        }

        keys.Add(cursor.Key);
    }
}

using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage;

/// <summary>
/// The state of one write transaction: origins, the apply-position counter, the HLC high-water mark
/// and digest deltas are loaded once, changed in memory and written back at <see cref="CommitAsync"/>,
/// so a batch costs one read and one write of each instead of one per record.
/// </summary>
internal sealed class WriteContext
{
    private readonly Dictionary<OriginId, OriginState> _origins;
    private readonly HashSet<OriginId> _dirtyOrigins = [];
    private readonly Dictionary<(CollectionName Collection, int Bucket), (long Count, ulong Fingerprint)> _bucketDeltas = [];
    private readonly Dictionary<CollectionName, (long Count, ulong Hash)> _collectionDeltas = [];

    // Records this transaction has read or written (null: known absent). A batch reads its records
    // in one query up front (with the transaction's start) and then sees its own writes without
    // asking the store.
    private readonly Dictionary<RecordCursor, StoredRecord?> _records = [];

    // Stored digests read so far (null: known absent); commit adds the deltas to them, reading
    // only the ones not read at the start.
    private readonly Dictionary<(CollectionName Collection, int Bucket), BucketState?> _bucketStates = [];
    private readonly Dictionary<CollectionName, CollectionState?> _collectionStates = [];
    private long _position;
    private readonly long _initialPosition;
    private Hlc _hlcHigh;
    private readonly Hlc _initialHlcHigh;

    private WriteContext(IStoreSession session, IEnumerable<OriginState> origins, long position, Hlc hlcHigh)
    {
        Session = session;
        _origins = origins.ToDictionary(o => o.Origin);
        _position = _initialPosition = position;
        _hlcHigh = _initialHlcHigh = hlcHigh;
    }

    public IStoreSession Session { get; }

    public List<AppliedChange> Changed { get; } = [];

    /// <summary>
    /// Starts a write transaction with one read (one round trip on PostgreSQL): origins, counters,
    /// the records at <paramref name="preload"/> and the digests of their buckets and collections.
    /// Reading those digests now rather than at commit gives the same values: only a write
    /// transaction's commit writes digests, and the record store runs one at a time.
    /// </summary>
    public static async ValueTask<WriteContext> BeginAsync(IStoreSession session, IEnumerable<RecordCursor> preload, CancellationToken ct)
    {
        var cursors = preload.ToHashSet();
        var buckets = cursors.Select(c => (c.Collection, RecordHashing.Bucket(c.Collection, c.Key))).ToHashSet();
        var collections = cursors.Select(c => c.Collection).ToHashSet();
        var start = await session.ReadWriteStartAsync(new WriteStartReads([StoreMeta.ApplyPosition, StoreMeta.HlcHigh], cursors, buckets, collections), ct).ConfigureAwait(false);
        var position = StoreMeta.ParseLong(start.Header.Get(StoreMeta.ApplyPosition), StoreMeta.ApplyPosition);
        var high = Hlc.FromInt64(StoreMeta.ParseLong(start.Header.Get(StoreMeta.HlcHigh), StoreMeta.HlcHigh));
        var context = new WriteContext(session, start.Header.Origins, position, high);
        context.Know(cursors, start.Records);
        context.KnowDigests(buckets, collections, start.Digests);
        return context;
    }

    public Hlc Applied(OriginId origin) => _origins.TryGetValue(origin, out var s) ? s.Applied : Hlc.Zero;

    public Hlc Floor(OriginId origin) => _origins.TryGetValue(origin, out var s) ? s.Floor : Hlc.Zero;

    public IEnumerable<OriginState> Origins => _origins.Values;

    public void SetApplied(OriginId origin, Hlc applied) => SetOrigin(origin, applied, Floor(origin));

    public void SetFloor(OriginId origin, Hlc floor) => SetOrigin(origin, Applied(origin), floor);

    public void ObserveHlc(Hlc hlc) => _hlcHigh = Hlc.Max(_hlcHigh, hlc);

    /// <summary>The record at <paramref name="at"/> as this transaction sees it.</summary>
    public async ValueTask<StoredRecord?> GetRecordAsync(RecordCursor at, CancellationToken ct)
    {
        if (_records.TryGetValue(at, out var known))
        {
            return known;
        }

        var stored = await Session.GetRecordAsync(at, ct).ConfigureAwait(false);
        _records[at] = stored;
        return stored;
    }

    /// <summary>Merges a version last-writer-wins; true when it replaced the stored one.</summary>
    public async ValueTask<bool> MergeAsync(RecordVersion incoming, CancellationToken ct)
    {
        ObserveHlc(incoming.Stamp.Hlc);
        var existing = await GetRecordAsync(incoming.Cursor, ct).ConfigureAwait(false);
        if (!MergeRules.ShouldReplace(existing?.Version, incoming))
        {
            return false;
        }

        await PutAsync(existing?.Version, incoming, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Stores <paramref name="next"/> over <paramref name="previous"/> with a new apply position.</summary>
    public async ValueTask PutAsync(RecordVersion? previous, RecordVersion next, CancellationToken ct)
    {
        ObserveHlc(next.Stamp.Hlc);
        var stored = new StoredRecord(next, ++_position);
        await Session.UpsertRecordAsync(stored, ct).ConfigureAwait(false);
        _records[next.Cursor] = stored;
        if (previous is { Deleted: false })
        {
            AddDigest(previous, -1);
        }

        if (!next.Deleted)
        {
            AddDigest(next, +1);
        }

        Changed.Add(new AppliedChange(stored.Position, next));
    }

    /// <summary>Removes a tombstone row (pruning); tombstones are not part of any digest.</summary>
    public ValueTask RemoveTombstoneAsync(RecordVersion tombstone, CancellationToken ct)
    {
        _records[tombstone.Cursor] = null;
        return Session.DeleteRecordAsync(tombstone.Cursor, ct);
    }

    public async ValueTask CommitAsync(CancellationToken ct)
    {
        foreach (var origin in _dirtyOrigins)
        {
            await Session.UpsertOriginAsync(_origins[origin], ct).ConfigureAwait(false);
        }

        if (_position != _initialPosition)
        {
            await Session.SetMetaAsync(StoreMeta.ApplyPosition, StoreMeta.FormatLong(_position), ct).ConfigureAwait(false);
        }

        if (_hlcHigh != _initialHlcHigh)
        {
            await Session.SetMetaAsync(StoreMeta.HlcHigh, StoreMeta.FormatLong(_hlcHigh.ToInt64()), ct).ConfigureAwait(false);
        }

        await FlushDigestsAsync(ct).ConfigureAwait(false);
        await Session.CommitAsync(ct).ConfigureAwait(false);
    }

    public void SetOrigin(OriginId origin, Hlc applied, Hlc floor)
    {
        _origins[origin] = new OriginState(origin, applied, floor);
        _dirtyOrigins.Add(origin);
        ObserveHlc(applied);
    }

    /// <summary>Remembers the records read at <paramref name="cursors"/>: <paramref name="found"/>, the others absent.</summary>
    private void Know(IEnumerable<RecordCursor> cursors, IEnumerable<StoredRecord> found)
    {
        foreach (var cursor in cursors)
        {
            _records[cursor] = null;
        }

        foreach (var record in found)
        {
            _records[record.Version.Cursor] = record;
        }
    }

    /// <summary>Remembers the digests read for these buckets and collections: <paramref name="found"/>, the others absent.</summary>
    private void KnowDigests(IEnumerable<(CollectionName Collection, int Bucket)> buckets, IEnumerable<CollectionName> collections, DigestStates found)
    {
        foreach (var bucket in buckets)
        {
            _bucketStates[bucket] = null;
        }

        foreach (var collection in collections)
        {
            _collectionStates[collection] = null;
        }

        foreach (var state in found.Buckets)
        {
            _bucketStates[(state.Collection, state.Bucket)] = state;
        }

        foreach (var state in found.Collections)
        {
            _collectionStates[state.Collection] = state;
        }
    }

    private void AddDigest(RecordVersion version, int sign)
    {
        var bucket = (version.Collection, RecordHashing.Bucket(version.Collection, version.Key));
        var fp = RecordHashing.Fingerprint(version);
        var vh = RecordHashing.ValueDigest(version);
        _bucketDeltas.TryGetValue(bucket, out var b);
        _collectionDeltas.TryGetValue(version.Collection, out var c);
        unchecked
        {
            _bucketDeltas[bucket] = (b.Count + sign, sign > 0 ? b.Fingerprint + fp : b.Fingerprint - fp);
            _collectionDeltas[version.Collection] = (c.Count + sign, sign > 0 ? c.Hash + vh : c.Hash - vh);
        }
    }

    /// <summary>Adds the digest deltas to the stored digests (reading those not read at the start, in one go), as upserts.</summary>
    private async ValueTask FlushDigestsAsync(CancellationToken ct)
    {
        var buckets = _bucketDeltas.Where(e => e.Value.Count != 0 || e.Value.Fingerprint != 0).ToList();
        var collections = _collectionDeltas.Where(e => e.Value.Count != 0 || e.Value.Hash != 0).ToList();
        if (buckets.Count == 0 && collections.Count == 0)
        {
            return;
        }

        var unknownBuckets = buckets.Select(e => e.Key).Where(b => !_bucketStates.ContainsKey(b)).ToList();
        var unknownCollections = collections.Select(e => e.Key).Where(c => !_collectionStates.ContainsKey(c)).ToList();
        if (unknownBuckets.Count > 0 || unknownCollections.Count > 0)
        {
            KnowDigests(unknownBuckets, unknownCollections, await Session.ReadDigestStatesAsync(unknownBuckets, unknownCollections, ct).ConfigureAwait(false));
        }

        foreach (var ((collection, bucket), delta) in buckets)
        {
            var state = _bucketStates[(collection, bucket)];
            unchecked
            {
                await Session.UpsertBucketStateAsync(
                    new BucketState(collection, bucket, (state?.Count ?? 0) + delta.Count, (state?.Fingerprint ?? 0) + delta.Fingerprint),
                    ct).ConfigureAwait(false);
            }
        }

        foreach (var (collection, delta) in collections)
        {
            var state = _collectionStates[collection];
            unchecked
            {
                await Session.UpsertCollectionStateAsync(
                    new CollectionState(collection, (state?.Count ?? 0) + delta.Count, (state?.ValueHash ?? 0) + delta.Hash),
                    ct).ConfigureAwait(false);
            }
        }
    }
}

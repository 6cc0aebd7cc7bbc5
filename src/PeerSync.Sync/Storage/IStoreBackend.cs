using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage;

/// <summary>A stored record with its local apply position (the change feed order).</summary>
internal sealed record StoredRecord(RecordVersion Version, long Position);

internal sealed record OriginState(OriginId Origin, Hlc Applied, Hlc Floor);

internal sealed record BucketState(CollectionName Collection, int Bucket, long Count, ulong Fingerprint);

internal sealed record CollectionState(CollectionName Collection, long Count, ulong ValueHash);

/// <summary>Every origin's state and the metadata values asked for (absent names are left out), read together.</summary>
internal sealed record OriginsAndMeta(IReadOnlyList<OriginState> Origins, IReadOnlyDictionary<string, string> Meta)
{
    public string? Get(string name) => Meta.GetValueOrDefault(name);
}

/// <summary>The digest rows asked for that exist, read together.</summary>
internal sealed record DigestStates(IReadOnlyList<BucketState> Buckets, IReadOnlyList<CollectionState> Collections);

/// <summary>Every origin's state and some records (a snapshot page's, or some buckets'), read together.</summary>
internal sealed record OriginsAndRecords(IReadOnlyList<OriginState> Origins, IReadOnlyList<StoredRecord> Records);

/// <summary>
/// What a read of an origin's stream needs, read together: the origin's state (null when it has
/// none), and its log entries and owned records (tombstones included) with HLC in
/// (after, min(through, applied)], by HLC, each list cut at the limit. Both lists are empty when
/// that range is empty or the stream cannot be served from after (it is below the floor).
/// </summary>
internal sealed record StreamRows(OriginState? State, IReadOnlyList<RecordVersion> Log, IReadOnlyList<StoredRecord> Owned);

/// <summary>
/// What a write transaction reads before it decides anything: every origin, metadata values, the
/// records it will look at, and the digests of their buckets and collections (which its commit
/// adds to).
/// </summary>
internal sealed record WriteStartReads(
    IReadOnlyCollection<string> MetaNames,
    IReadOnlyCollection<RecordCursor> Records,
    IReadOnlyCollection<(CollectionName Collection, int Bucket)> Buckets,
    IReadOnlyCollection<CollectionName> Collections);

/// <summary>The answer to <see cref="WriteStartReads"/>: what exists of what was asked for.</summary>
internal sealed record WriteStart(OriginsAndMeta Header, IReadOnlyList<StoredRecord> Records, DigestStates Digests);

/// <summary>
/// A provider's primitive operations inside one transaction. <see cref="RecordStore"/> builds every
/// store operation on these, so the semantics are written once and the providers (in-memory,
/// SQLite, PostgreSQL) only move rows. Range reads include tombstones unless stated.
/// </summary>
internal interface IStoreSession : IAsyncDisposable
{
    ValueTask<StoredRecord?> GetRecordAsync(RecordCursor at, CancellationToken ct);

    /// <summary>
    /// The stored records (tombstones included) among <paramref name="cursors"/>: absent ones are
    /// left out, each found one comes once, in the order of its first occurrence in
    /// <paramref name="cursors"/>. One statement where the provider has round trips (PostgreSQL).
    /// </summary>
    ValueTask<IReadOnlyList<StoredRecord>> GetRecordsAsync(IReadOnlyCollection<RecordCursor> cursors, CancellationToken ct);

    ValueTask UpsertRecordAsync(StoredRecord record, CancellationToken ct);

    ValueTask DeleteRecordAsync(RecordCursor at, CancellationToken ct);

    /// <summary>Records in (after, through] in cursor order; null bounds are open.</summary>
    ValueTask<IReadOnlyList<StoredRecord>> ScanRecordsAsync(RecordCursor? afterExclusive, RecordCursor? throughInclusive, int limit, CancellationToken ct);

    ValueTask<IReadOnlyList<StoredRecord>> ListLiveAsync(CollectionName collection, RecordKey? afterExclusive, int limit, CancellationToken ct);

    /// <summary>Owned records (tombstones included) whose version belongs to the origin, in (after, through], by HLC.</summary>
    ValueTask<IReadOnlyList<StoredRecord>> ReadOwnedStreamAsync(OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int limit, CancellationToken ct);

    /// <summary>Tombstones with HLC at or below <paramref name="through"/>, oldest first.</summary>
    ValueTask<IReadOnlyList<StoredRecord>> ReadTombstonesAsync(Hlc through, int limit, CancellationToken ct);

    ValueTask<long> CountTombstonesAsync(CancellationToken ct);

    ValueTask<IReadOnlyList<StoredRecord>> ReadFeedAsync(long afterPosition, int limit, CancellationToken ct);

    ValueTask<IReadOnlyList<StoredRecord>> ReadBucketsAsync(CollectionName collection, IReadOnlyCollection<int> buckets, CancellationToken ct);

    ValueTask<IReadOnlyList<RecordVersion>> ReadLogAsync(OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int limit, CancellationToken ct);

    /// <summary>Appends a shared change to the log; an entry already there (same origin and HLC) is kept.</summary>
    ValueTask AppendLogAsync(RecordVersion change, CancellationToken ct);

    ValueTask<long> PruneLogAsync(OriginId origin, Hlc through, CancellationToken ct);

    ValueTask<long> CountLogAsync(OriginId? origin, CancellationToken ct);

    /// <summary>Log entries of <paramref name="origin"/> above <paramref name="afterExclusive"/>.</summary>
    ValueTask<long> CountLogAfterAsync(OriginId origin, Hlc afterExclusive, CancellationToken ct);

    /// <summary>Owned records (tombstones included) whose version belongs to <paramref name="origin"/> with HLC above <paramref name="afterExclusive"/>.</summary>
    ValueTask<long> CountOwnedAfterAsync(OriginId origin, Hlc afterExclusive, CancellationToken ct);

    ValueTask<IReadOnlyList<OriginState>> ReadOriginsAsync(CancellationToken ct);

    ValueTask UpsertOriginAsync(OriginState state, CancellationToken ct);

    /// <summary>
    /// <see cref="ReadOriginsAsync"/> and <see cref="GetMetaAsync"/> of each of <paramref name="names"/>
    /// at once: one round trip where the provider has round trips (PostgreSQL). What a write
    /// transaction and a progress read start with.
    /// </summary>
    ValueTask<OriginsAndMeta> ReadOriginsAndMetaAsync(IReadOnlyCollection<string> names, CancellationToken ct);

    /// <summary>Bucket states of one collection (or all); with <paramref name="buckets"/>, only those buckets.</summary>
    ValueTask<IReadOnlyList<BucketState>> ReadBucketStatesAsync(CollectionName? collection, IReadOnlyCollection<int>? buckets, CancellationToken ct);

    ValueTask UpsertBucketStateAsync(BucketState state, CancellationToken ct);

    ValueTask<IReadOnlyList<CollectionState>> ReadCollectionStatesAsync(CollectionName? collection, CancellationToken ct);

    ValueTask UpsertCollectionStateAsync(CollectionState state, CancellationToken ct);

    /// <summary>
    /// The states of the given buckets and collections that exist, at once: one round trip where
    /// the provider has round trips (PostgreSQL). What a write transaction's commit adds its digest
    /// deltas to.
    /// </summary>
    ValueTask<DigestStates> ReadDigestStatesAsync(IReadOnlyCollection<(CollectionName Collection, int Bucket)> buckets, IReadOnlyCollection<CollectionName> collections, CancellationToken ct);

    /// <summary>
    /// <see cref="ReadOriginsAndMetaAsync"/>, <see cref="GetRecordsAsync"/> and
    /// <see cref="ReadDigestStatesAsync"/> at once: one round trip where the provider has round
    /// trips (PostgreSQL).
    /// </summary>
    ValueTask<WriteStart> ReadWriteStartAsync(WriteStartReads reads, CancellationToken ct);

    /// <summary>
    /// <see cref="ReadOriginsAsync"/> and <see cref="ScanRecordsAsync"/> from <paramref name="afterExclusive"/>
    /// (open above) at once: one round trip where the provider has round trips (PostgreSQL). What a
    /// snapshot page reads.
    /// </summary>
    ValueTask<OriginsAndRecords> ReadOriginsAndScanAsync(RecordCursor? afterExclusive, int limit, CancellationToken ct);

    /// <summary>
    /// <see cref="ReadOriginsAsync"/> and <see cref="ReadBucketsAsync"/> at once: one round trip where
    /// the provider has round trips (PostgreSQL). What a read of bucket entries reads.
    /// </summary>
    ValueTask<OriginsAndRecords> ReadOriginsAndBucketsAsync(CollectionName collection, IReadOnlyCollection<int> buckets, CancellationToken ct);

    /// <summary>
    /// An origin's state and its stream above <paramref name="afterExclusive"/> (see <see cref="StreamRows"/>)
    /// at once: one round trip where the provider has round trips (PostgreSQL), which then reads the
    /// stream even when the state says there is none to read (an empty or unservable range reads no rows).
    /// </summary>
    ValueTask<StreamRows> ReadStreamRowsAsync(OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int limit, CancellationToken ct);

    /// <summary><see cref="CountLogAfterAsync"/> plus <see cref="CountOwnedAfterAsync"/>, in one statement where the provider has statements.</summary>
    ValueTask<long> CountStreamAfterAsync(OriginId origin, Hlc afterExclusive, CancellationToken ct);

    ValueTask<string?> GetMetaAsync(string name, CancellationToken ct);

    /// <summary>Sets a metadata value; null removes it.</summary>
    ValueTask SetMetaAsync(string name, string? value, CancellationToken ct);

    ValueTask CommitAsync(CancellationToken ct);
}

/// <summary>A storage provider: schema management and transactions.</summary>
internal interface IStoreBackend : IAsyncDisposable
{
    /// <summary>A short name for messages: "sqlite", "postgres", "in-memory".</summary>
    string Name { get; }

    /// <summary>Creates the schema or applies missing migrations; throws on a newer or unknown schema.</summary>
    ValueTask MigrateAsync(CancellationToken ct);

    /// <summary>A transaction: consistent reads, and writes when <paramref name="write"/> (only one writer at a time).</summary>
    ValueTask<IStoreSession> BeginAsync(bool write, CancellationToken ct);

    /// <summary>
    /// A session for one read call: one statement, or one of the reads of several statements at once
    /// (<see cref="IStoreSession.ReadOriginsAndMetaAsync"/>, <see cref="IStoreSession.ReadStreamRowsAsync"/>, ...).
    /// Whatever it reads is one snapshot. Where a transaction costs round trips (PostgreSQL: BEGIN
    /// goes with the first statement, but a ROLLBACK on its own is one more) a single statement runs
    /// without one, as it reads one snapshot by itself, and several go out as one batch in a
    /// REPEATABLE READ transaction that the batch's last statement ends. A second read call in it is
    /// a bug and throws.
    /// </summary>
    ValueTask<IStoreSession> BeginOneReadAsync(CancellationToken ct);

    /// <summary>
    /// Whether <paramref name="failure"/> lost the session's connection (the server restarted or
    /// ended it) rather than refusing its work: work that never reached COMMIT may run once more.
    /// </summary>
    bool LostConnection(Exception failure);

    /// <summary>Drops the idle connections, which died with the one <paramref name="failure"/> lost, before <paramref name="operation"/> runs again.</summary>
    void DropIdleConnections(Exception failure, string operation);
}

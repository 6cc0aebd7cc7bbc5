using PeerSync.Remote.Addressing;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage;

/// <summary>
/// The record set of one node and its sync bookkeeping, durable (SQLite, PostgreSQL) or in memory.
/// Every write is one transaction: data, change log, watermarks, digests and apply positions move
/// together, so a watermark never covers a change that is not durably applied. Writes are
/// serialized inside the store; reads may run beside them. Decisions (merge, ownership, contiguity,
/// deletion by coverage) come from the pure rules in <see cref="MergeRules"/> and
/// <see cref="StreamRules"/>. See docs/design/sync.md, "Record store".
/// </summary>
public interface IRecordStore : IAsyncDisposable
{
    /// <summary>
    /// Creates or migrates the schema and returns the sync progress. A new store adopts
    /// <paramref name="newEpoch"/>; an existing one keeps its epoch. Throws
    /// <see cref="RecordStoreException"/> when the schema is newer than this build or the data
    /// belongs to another node id.
    /// </summary>
    Task<SyncProgress> OpenAsync(NodeId self, DataEpoch newEpoch, CancellationToken cancellationToken = default);

    Task<SyncProgress> ReadProgressAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Local writes in one transaction, in order: ownership is checked, versions are stamped with
    /// the given HLCs (strictly increasing, above every stored version of the record), shared
    /// changes are appended to the log, and this node's stream position advances.
    /// </summary>
    Task<IReadOnlyList<LocalWriteOutcome>> WriteLocalAsync(IReadOnlyList<LocalWrite> writes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Received ranges in one transaction: each contiguous one is merged (last writer wins), its
    /// shared changes logged for forwarding (losers too), and its origin's watermark advanced.
    /// Idempotent: a range already covered changes nothing.
    /// </summary>
    Task<RemoteApplyResult> ApplyRemoteAsync(IReadOnlyList<ChangeRange> ranges, CancellationToken cancellationToken = default);

    /// <summary>Advances this node's own stream position without a change (a seal).</summary>
    Task SealAsync(Hlc position, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="maxChanges"/> changes of <paramref name="origin"/> in
    /// (<paramref name="afterExclusive"/>, <paramref name="throughInclusive"/>], capped at the applied
    /// watermark. Null when <paramref name="afterExclusive"/> is below the origin's floor.
    /// </summary>
    Task<ChangeRange?> ReadStreamAsync(OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int maxChanges, CancellationToken cancellationToken = default);

    Task<PruneResult> PruneAsync(PrunePlan plan, CancellationToken cancellationToken = default);

    Task<long> CountLogEntriesAsync(OriginId? origin = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The changes of <paramref name="origin"/>'s stream above <paramref name="afterExclusive"/>:
    /// its log entries (shared changes) plus its owned records changed since. What a peer that
    /// acknowledged up to there still lacks (the outbound queue).
    /// </summary>
    Task<long> CountStreamAfterAsync(OriginId origin, Hlc afterExclusive, CancellationToken cancellationToken = default);

    Task<long> CountTombstonesAsync(CancellationToken cancellationToken = default);

    Task<SnapshotPage> ReadSnapshotPageAsync(RecordCursor? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a snapshot page with the checkpoint in one transaction: page records merge last-writer-wins;
    /// local live records in the page's key range that the page lacks but whose versions the page's
    /// watermarks cover are deleted (with a tombstone of their own stamp).
    /// </summary>
    Task<SnapshotApplyResult> ApplySnapshotPageAsync(SnapshotPage page, BackfillCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>Ends a backfill: adopts the coverage as applied watermarks (and floors) and clears the checkpoint.</summary>
    Task<Watermarks> CompleteBackfillAsync(Watermarks coverage, CancellationToken cancellationToken = default);

    /// <summary>Drops an unfinished backfill's checkpoint (a restart from scratch).</summary>
    Task ClearBackfillCheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>The live record, or null when absent or deleted.</summary>
    Task<RecordVersion?> GetAsync(CollectionName collection, RecordKey key, CancellationToken cancellationToken = default);

    /// <summary>The stored version, tombstones included.</summary>
    Task<RecordVersion?> GetVersionAsync(CollectionName collection, RecordKey key, CancellationToken cancellationToken = default);

    /// <summary>Live records ordered by key, after <paramref name="after"/>; <paramref name="limit"/> 1..1000.</summary>
    Task<RecordPage> ListAsync(CollectionName collection, RecordKey? after, int limit, CancellationToken cancellationToken = default);

    Task<CollectionDigest> GetCollectionDigestAsync(CollectionName collection, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<BucketDigests>> ReadBucketDigestsAsync(CancellationToken cancellationToken = default);

    Task<BucketEntries> ReadBucketEntriesAsync(CollectionName collection, IReadOnlyList<int> buckets, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stored versions (tombstones included) of the given keys, in one read: absent keys are left
    /// out, a key given twice comes once, in the order of its first occurrence.
    /// </summary>
    Task<IReadOnlyList<RecordVersion>> ReadVersionsAsync(CollectionName collection, IReadOnlyList<RecordKey> keys, CancellationToken cancellationToken = default);

    /// <summary>Anti-entropy repair in one transaction: pulled versions merge, deletions compare-and-delete.</summary>
    Task<RepairApplyResult> ApplyRepairAsync(IReadOnlyList<RecordVersion> pulled, IReadOnlyList<RecordDeletion> deletions, CancellationToken cancellationToken = default);

    /// <summary>Changes applied after local position <paramref name="afterPosition"/>, in apply order (newest state of each record).</summary>
    Task<ChangeFeedPage> ReadChangesAsync(long afterPosition, int limit, CancellationToken cancellationToken = default);

    /// <summary>The last local apply position handed out (0 for a new store): where a change feed "from now" starts.</summary>
    Task<long> ReadLastPositionAsync(CancellationToken cancellationToken = default);
}

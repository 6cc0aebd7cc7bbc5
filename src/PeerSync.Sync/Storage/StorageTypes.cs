using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Storage;

/// <summary>What a store holds about sync progress: read at open, and on demand.</summary>
/// <param name="Epoch">This store's data epoch (created at first open).</param>
/// <param name="Self">The origin of local changes: this node with this data epoch.</param>
/// <param name="Applied">Per origin, the contiguous prefix of its stream that is durably applied (for
/// <see cref="Self"/>, the last position issued).</param>
/// <param name="Floors">Per origin, the position below which this store can no longer serve the stream
/// (log or owned tombstones pruned there). A peer whose watermark is below it needs a snapshot.</param>
/// <param name="HlcHigh">The highest HLC issued or applied; the clock recovers from it.</param>
/// <param name="Checkpoint">An unfinished backfill, if any.</param>
/// <param name="HasData">False for a store that never wrote or applied anything.</param>
public sealed record SyncProgress(
    DataEpoch Epoch,
    OriginId Self,
    Watermarks Applied,
    Watermarks Floors,
    Hlc HlcHigh,
    BackfillCheckpoint? Checkpoint,
    bool HasData);

/// <summary>A local write: a value (any JSON) or, with a null value, a delete. The HLC comes from the node's clock.</summary>
public sealed record LocalWrite(CollectionName Collection, RecordKey Key, CollectionKind Kind, string? Value, Hlc Hlc)
{
    public bool IsDelete => Value is null;
}

/// <summary>The outcome of one local write: the version written, or why it was refused.</summary>
public sealed record LocalWriteOutcome(RecordVersion? Written, long Position, LocalWriteRefusal Refusal, string? Reason)
{
    public bool IsWritten => Written is not null;
}

/// <summary>A change applied to the local record set, at a local apply position (the change feed).</summary>
public sealed record AppliedChange(long Position, RecordVersion Version);

/// <summary>How one received range was handled.</summary>
public enum RangeApplyStatus
{
    /// <summary>Applied; the watermark advanced to the range's end.</summary>
    Applied = 0,

    /// <summary>Already covered by the watermark: nothing to do (a duplicate delivery).</summary>
    Duplicate = 1,

    /// <summary>Starts after the watermark: not applied; the sender must resend from the watermark.</summary>
    Gap = 2,

    /// <summary>A range of this node's own stream: never applied (this node is its authority).</summary>
    OwnOrigin = 3,
}

public sealed record RangeApplyOutcome(OriginId Origin, RangeApplyStatus Status, Hlc AppliedThrough, int ChangesApplied);

/// <summary>The outcome of <see cref="IRecordStore.ApplyRemoteAsync"/>.</summary>
public sealed record RemoteApplyResult(IReadOnlyList<RangeApplyOutcome> Ranges, Watermarks Applied, IReadOnlyList<AppliedChange> Changed);

/// <summary>What <see cref="IRecordStore.PruneAsync"/> may drop.</summary>
/// <param name="LogThrough">Per origin, log entries at or below this position may go.</param>
/// <param name="TombstonesThrough">Tombstones at or below this HLC may go (causally stable).</param>
/// <param name="MaxTombstones">At most this many tombstones per call, to keep the transaction short.</param>
public sealed record PrunePlan(Watermarks LogThrough, Hlc TombstonesThrough, int MaxTombstones = 10_000);

public sealed record PruneResult(long LogEntriesPruned, int TombstonesPruned, Watermarks Floors);

/// <summary>
/// One page of a snapshot, read in one transaction: records (tombstones included) after
/// <see cref="After"/> in (collection, key) order, and the applied watermarks at that moment.
/// Every record version covered by <see cref="Applied"/> and absent from the page's key range was
/// deleted at the source.
/// </summary>
public sealed record SnapshotPage(Watermarks Applied, RecordCursor? After, IReadOnlyList<RecordVersion> Records, bool IsLast)
{
    /// <summary>Where the next page starts (exclusive).</summary>
    public RecordCursor? Last => Records.Count > 0 ? Records[^1].Cursor : After;
}

/// <summary>
/// The durable progress of a backfill, saved with each page: the source, the last key applied, and
/// the coverage (element-wise minimum of every page's watermarks) to adopt at the end.
/// </summary>
public sealed record BackfillCheckpoint(NodeId Source, RecordCursor? After, Watermarks Coverage, int PagesApplied);

public sealed record SnapshotApplyResult(int RecordsChanged, int RecordsDeleted, IReadOnlyList<AppliedChange> Changed);

/// <summary>A page of live records of one collection, ordered by key; <see cref="Next"/> continues it.</summary>
public sealed record RecordPage(IReadOnlyList<RecordVersion> Items, RecordKey? Next);

/// <summary>Count and (key, value) hash of a collection's live records: equal on converged nodes.</summary>
public sealed record CollectionDigest(CollectionName Collection, long Count, ulong Hash)
{
    public string HashHex => Hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Anti-entropy fingerprints of a collection: a total and the non-empty buckets.</summary>
public sealed record BucketDigests(CollectionName Collection, long Count, ulong Fingerprint, IReadOnlyDictionary<int, ulong> Buckets);

/// <summary>The version (not the value) of one record, for anti-entropy comparison.</summary>
public sealed record DigestEntry(RecordKey Key, VersionStamp Stamp, bool Deleted);

/// <summary>The entries of some buckets and the applied watermarks, read in one transaction.</summary>
public sealed record BucketEntries(CollectionName Collection, IReadOnlyList<int> Buckets, Watermarks Applied, IReadOnlyList<DigestEntry> Entries);

/// <summary>Delete the record if its current version is still <see cref="Stamp"/> (compare-and-delete).</summary>
public sealed record RecordDeletion(RecordCursor Record, VersionStamp Stamp);

public sealed record RepairApplyResult(int RecordsChanged, int RecordsDeleted, IReadOnlyList<AppliedChange> Changed);

/// <summary>A page of the change feed.</summary>
public sealed record ChangeFeedPage(IReadOnlyList<AppliedChange> Changes, long LastPosition);

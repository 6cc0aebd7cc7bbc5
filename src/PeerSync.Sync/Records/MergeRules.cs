namespace PeerSync.Sync.Records;

/// <summary>
/// The merge rules, as pure functions that every store implementation calls inside its
/// transaction. See docs/design/sync.md, "Merge".
/// </summary>
public static class MergeRules
{
    /// <summary>
    /// Last-writer-wins: the incoming version replaces the existing one when its stamp is greater;
    /// at an equal stamp a tombstone beats a live version (a repair tombstone carries the stamp of the
    /// version it deletes). This is a max under a total order, so applying is idempotent and
    /// commutative: any order of any multiset of versions ends in the same state. Owned records use
    /// the same rule: only the owner issues their versions, so the owner's newest state wins.
    /// </summary>
    public static bool ShouldReplace(RecordVersion? existing, RecordVersion incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (existing is null)
        {
            return true;
        }

        var order = incoming.Stamp.CompareTo(existing.Stamp);
        return order > 0 || (order == 0 && incoming.Deleted && !existing.Deleted);
    }

    /// <summary>
    /// May this node write (or delete) the record locally? Owned records: only the owner of the live
    /// record; a deleted or absent owned record may be created by anyone, who then owns it. Shared:
    /// anyone. A record stored under another kind than the collection now has is refused, because
    /// the two sync paths cannot both hold it.
    /// </summary>
    public static LocalWriteCheck CheckLocalWrite(CollectionKind kind, RecordVersion? existing, OriginId self)
    {
        if (kind is not (CollectionKind.Shared or CollectionKind.Owned))
        {
            return LocalWriteCheck.Refuse(LocalWriteRefusal.UnsupportedKind, $"collection kind {kind} is not written through the leaderless path");
        }

        if (existing is null)
        {
            return LocalWriteCheck.Allowed;
        }

        if (existing.Kind != kind)
        {
            return LocalWriteCheck.Refuse(
                LocalWriteRefusal.KindMismatch,
                $"record {existing.Collection}/{existing.Key} is stored as {existing.Kind.ToString().ToLowerInvariant()} but the collection is configured {kind.ToString().ToLowerInvariant()}");
        }

        if (kind == CollectionKind.Owned && !existing.Deleted && existing.Stamp.Origin.Node != self.Node)
        {
            return LocalWriteCheck.Refuse(
                LocalWriteRefusal.NotOwner,
                $"record {existing.Collection}/{existing.Key} is owned by node {existing.Stamp.Origin.Node}; only its owner may change it");
        }

        return LocalWriteCheck.Allowed;
    }

    /// <summary>
    /// The absent-but-covered rule (anti-entropy, backfill): a side that lacks a live record although
    /// its applied watermark covers the record's version has seen that version and a newer delete
    /// (whose tombstone may since have been pruned), so the record is deleted, never resurrected.
    /// </summary>
    public static bool AbsentMeansDeleted(RecordVersion present, Watermarks absentSideApplied)
    {
        ArgumentNullException.ThrowIfNull(present);
        ArgumentNullException.ThrowIfNull(absentSideApplied);
        return !present.Deleted && absentSideApplied.Covers(present.Stamp);
    }
}

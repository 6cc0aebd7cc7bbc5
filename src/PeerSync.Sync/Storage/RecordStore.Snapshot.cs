using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage;

public sealed partial class RecordStore
{
    public Task<SnapshotPage> ReadSnapshotPageAsync(RecordCursor? after, int limit, CancellationToken cancellationToken = default)
    {
        if (limit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "a snapshot page holds at least one record");
        }

        return InOneReadAsync(async session =>
        {
            var (origins, records) = await session.ReadOriginsAndScanAsync(after, limit, cancellationToken).ConfigureAwait(false);
            var applied = Watermarks.From(origins.Select(o => new KeyValuePair<OriginId, Hlc>(o.Origin, o.Applied)));
            return new SnapshotPage(applied, after, [.. records.Select(r => r.Version)], records.Count < limit);
        }, cancellationToken);
    }

    public Task<SnapshotApplyResult> ApplySnapshotPageAsync(SnapshotPage page, BackfillCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(checkpoint);
        foreach (var record in page.Records)
        {
            if (record.Validate() is { } error)
            {
                throw new ArgumentException($"malformed snapshot record: {error}", nameof(page));
            }
        }

        // The page's records are read with the transaction's start (the deletions below touch only
        // records the page lacks, so they read the same there as after them).
        var inPage = page.Records.Select(r => r.Cursor).ToHashSet();
        return InWriteAsync(inPage, async ctx =>
        {
            // Local records in the page's key range that the page lacks: deleted at the source when
            // the page's watermarks cover their version (absent-but-covered), else newer than the
            // source's view and kept.
            var through = page.IsLast ? null : page.Last;
            var local = await ctx.Session.ScanRecordsAsync(page.After, through, int.MaxValue, cancellationToken).ConfigureAwait(false);
            var deleted = 0;
            foreach (var record in local)
            {
                if (!inPage.Contains(record.Version.Cursor) && MergeRules.AbsentMeansDeleted(record.Version, page.Applied))
                {
                    await ctx.PutAsync(record.Version, record.Version.AsTombstone(), cancellationToken).ConfigureAwait(false);
                    deleted++;
                }
            }

            var changed = 0;
            foreach (var record in page.Records)
            {
                if (await ctx.MergeAsync(record, cancellationToken).ConfigureAwait(false))
                {
                    changed++;
                }
            }

            foreach (var (_, position) in page.Applied)
            {
                ctx.ObserveHlc(position);
            }

            await ctx.Session.SetMetaAsync(StoreMeta.BackfillCheckpoint, StoreMeta.EncodeCheckpoint(checkpoint), cancellationToken).ConfigureAwait(false);
            return new SnapshotApplyResult(changed, deleted, [.. ctx.Changed]);
        }, cancellationToken);
    }

    public Task<Watermarks> CompleteBackfillAsync(Watermarks coverage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        var self = Self;
        return InWriteAsync(async ctx =>
        {
            foreach (var (origin, position) in coverage)
            {
                if (origin == self || position <= ctx.Applied(origin))
                {
                    continue;
                }

                // The changes between the old watermark and the coverage came as snapshot state, not
                // as log entries: this node cannot serve that part of the stream.
                ctx.SetOrigin(origin, position, Hlc.Max(ctx.Floor(origin), position));
            }

            await ctx.Session.SetMetaAsync(StoreMeta.BackfillCheckpoint, null, cancellationToken).ConfigureAwait(false);
            return CurrentApplied(ctx);
        }, cancellationToken);
    }

    public Task ClearBackfillCheckpointAsync(CancellationToken cancellationToken = default) =>
        InWriteAsync(async ctx =>
        {
            await ctx.Session.SetMetaAsync(StoreMeta.BackfillCheckpoint, null, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
}

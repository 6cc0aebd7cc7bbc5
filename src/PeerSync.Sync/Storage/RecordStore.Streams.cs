using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage;

public sealed partial class RecordStore
{
    public Task<ChangeRange?> ReadStreamAsync(OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int maxChanges, CancellationToken cancellationToken = default)
    {
        if (maxChanges < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxChanges), maxChanges, "at least one change per read");
        }

        return InOneReadAsync(async session =>
        {
            var (state, log, owned) = await session.ReadStreamRowsAsync(origin, afterExclusive, throughInclusive, maxChanges, cancellationToken).ConfigureAwait(false);
            var applied = state?.Applied ?? Hlc.Zero;
            var floor = state?.Floor ?? Hlc.Zero;
            if (afterExclusive < floor)
            {
                return null;
            }

            var through = Hlc.Min(throughInclusive, applied);
            if (through <= afterExclusive)
            {
                return new ChangeRange(origin, afterExclusive, afterExclusive, []);
            }

            // The lists hold the stream in (after, through] (StreamRows). Either may be cut at the
            // limit; the range can only claim completeness up to the last entry of a cut list.
            var bound = through;
            if (log.Count >= maxChanges)
            {
                bound = Hlc.Min(bound, log[^1].Stamp.Hlc);
            }

            if (owned.Count >= maxChanges)
            {
                bound = Hlc.Min(bound, owned[^1].Version.Stamp.Hlc);
            }

            var merged = log.Concat(owned.Select(o => o.Version))
                .Where(c => c.Stamp.Hlc <= bound)
                .OrderBy(c => c.Stamp.Hlc)
                .ToList();
            if (merged.Count > maxChanges)
            {
                merged.RemoveRange(maxChanges, merged.Count - maxChanges);
                bound = merged[^1].Stamp.Hlc;
            }

            return new ChangeRange(origin, afterExclusive, bound, merged);
        }, cancellationToken);
    }

    public Task<PruneResult> PruneAsync(PrunePlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return InWriteAsync(async ctx =>
        {
            long logPruned = 0;
            foreach (var (origin, through) in plan.LogThrough)
            {
                // Never past what is applied here: the log must hold every change above the floor.
                var limit = Hlc.Min(through, ctx.Applied(origin));
                if (limit > ctx.Floor(origin))
                {
                    logPruned += await ctx.Session.PruneLogAsync(origin, limit, cancellationToken).ConfigureAwait(false);
                    ctx.SetFloor(origin, limit);
                }
            }

            var tombstones = 0;
            if (plan.TombstonesThrough > Hlc.Zero && plan.MaxTombstones > 0)
            {
                var candidates = await ctx.Session.ReadTombstonesAsync(plan.TombstonesThrough, plan.MaxTombstones, cancellationToken).ConfigureAwait(false);
                foreach (var candidate in candidates)
                {
                    var stamp = candidate.Version.Stamp;
                    if (stamp.Hlc > ctx.Applied(stamp.Origin))
                    {
                        // Known only out of stream (repair, snapshot): keep it until the stream covers it.
                        continue;
                    }

                    await ctx.RemoveTombstoneAsync(candidate.Version, cancellationToken).ConfigureAwait(false);
                    tombstones++;
                    if (candidate.Version.Kind == CollectionKind.Owned && stamp.Hlc > ctx.Floor(stamp.Origin))
                    {
                        // An owned stream is served from the records themselves: without the
                        // tombstone it can no longer be served from below this point.
                        ctx.SetFloor(stamp.Origin, stamp.Hlc);
                    }
                }
            }

            var floors = Watermarks.From(ctx.Origins.Select(o => new KeyValuePair<OriginId, Hlc>(o.Origin, o.Floor)));
            return new PruneResult(logPruned, tombstones, floors);
        }, cancellationToken);
    }

    public Task<long> CountLogEntriesAsync(OriginId? origin = null, CancellationToken cancellationToken = default) =>
        InOneReadAsync(session => session.CountLogAsync(origin, cancellationToken), cancellationToken);

    public Task<long> CountStreamAfterAsync(OriginId origin, Hlc afterExclusive, CancellationToken cancellationToken = default) =>
        InOneReadAsync(session => session.CountStreamAfterAsync(origin, afterExclusive, cancellationToken), cancellationToken);

    public Task<long> CountTombstonesAsync(CancellationToken cancellationToken = default) =>
        InOneReadAsync(session => session.CountTombstonesAsync(cancellationToken), cancellationToken);
}

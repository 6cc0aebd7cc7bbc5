using System.Runtime.CompilerServices;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage;

/// <summary>
/// The record store: every operation of <see cref="IRecordStore"/> written once over a provider's
/// primitive rows (<see cref="IStoreBackend"/>), so SQLite, PostgreSQL and memory behave alike.
/// Create one with <see cref="RecordStores"/>. Writes are serialized by a semaphore (the sync
/// coordinator is the single writer; the lock makes misuse safe, not fast).
/// See docs/design/sync.md, "Record store".
/// </summary>
public sealed partial class RecordStore : IRecordStore
{
    private readonly IStoreBackend _backend;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private OriginId? _self;

    internal RecordStore(IStoreBackend backend) => _backend = backend;

    private OriginId Self => _self ?? throw new InvalidOperationException("the record store is not open; call OpenAsync first");

    public async Task<SyncProgress> OpenAsync(NodeId self, DataEpoch newEpoch, CancellationToken cancellationToken = default)
    {
        if (newEpoch.Value == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(newEpoch), "a data epoch is never zero");
        }

        await _backend.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var session = await _backend.BeginAsync(true, cancellationToken).ConfigureAwait(false);
            var storedNode = await session.GetMetaAsync(StoreMeta.SelfNode, cancellationToken).ConfigureAwait(false);
            var storedEpoch = await session.GetMetaAsync(StoreMeta.DataEpoch, cancellationToken).ConfigureAwait(false);
            if (storedNode is not null && storedNode != self.Value)
            {
                throw new RecordStoreException(
                    $"the {_backend.Name} record store belongs to node '{storedNode}' but was opened as '{self}'; give each node its own data dir or schema");
            }

            DataEpoch epoch;
            if (storedEpoch is null)
            {
                epoch = newEpoch;
                await session.SetMetaAsync(StoreMeta.SelfNode, self.Value, cancellationToken).ConfigureAwait(false);
                await session.SetMetaAsync(StoreMeta.DataEpoch, epoch.ToString(), cancellationToken).ConfigureAwait(false);
                await session.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                try
                {
                    epoch = DataEpoch.Parse(storedEpoch);
                }
                catch (FormatException e)
                {
                    throw new RecordStoreException($"the {_backend.Name} record store's data epoch '{storedEpoch}' is unreadable; the store is corrupt", e);
                }
            }

            _self = new OriginId(self, epoch);
        }
        finally
        {
            _writeLock.Release();
        }

        return await ReadProgressAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<SyncProgress> ReadProgressAsync(CancellationToken cancellationToken = default)
    {
        var self = Self;
        return InOneReadAsync(
            async session =>
            {
                var read = await session.ReadOriginsAndMetaAsync([StoreMeta.HlcHigh, StoreMeta.BackfillCheckpoint, StoreMeta.ApplyPosition], cancellationToken).ConfigureAwait(false);
                var origins = read.Origins;
                var high = Hlc.FromInt64(StoreMeta.ParseLong(read.Get(StoreMeta.HlcHigh), StoreMeta.HlcHigh));
                var checkpointText = read.Get(StoreMeta.BackfillCheckpoint);
                var position = StoreMeta.ParseLong(read.Get(StoreMeta.ApplyPosition), StoreMeta.ApplyPosition);
                var applied = Watermarks.From(origins.Select(o => new KeyValuePair<OriginId, Hlc>(o.Origin, o.Applied)));
                return new SyncProgress(
                    self.Epoch,
                    self,
                    applied,
                    Watermarks.From(origins.Select(o => new KeyValuePair<OriginId, Hlc>(o.Origin, o.Floor))),
                    high,
                    checkpointText is null ? null : StoreMeta.DecodeCheckpoint(checkpointText),
                    HasData: applied.Count > 0 || position > 0);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<LocalWriteOutcome>> WriteLocalAsync(IReadOnlyList<LocalWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var self = Self;
        foreach (var write in writes)
        {
            if (!write.IsDelete && RecordValue.Validate(write.Value) is { } error)
            {
                throw new ArgumentException($"write of {write.Collection}/{write.Key}: {error}", nameof(writes));
            }
        }

        return await InWriteAsync([.. writes.Select(w => new RecordCursor(w.Collection, w.Key))], async ctx =>
        {
            var outcomes = new List<LocalWriteOutcome>(writes.Count);
            foreach (var write in writes)
            {
                var existing = (await ctx.GetRecordAsync(new RecordCursor(write.Collection, write.Key), cancellationToken).ConfigureAwait(false))?.Version;
                var check = MergeRules.CheckLocalWrite(write.Kind, existing, self);
                if (!check.IsAllowed)
                {
                    outcomes.Add(new LocalWriteOutcome(null, 0, check.Refusal, check.Reason));
                    continue;
                }

                // Invariants, not input errors: the clock feeds every stored HLC, so a local stamp is
                // above the record's version and above this node's stream position.
                if (write.Hlc <= ctx.Applied(self))
                {
                    throw new InvalidOperationException($"local write HLC {write.Hlc} is not after this node's stream position {ctx.Applied(self)}; the clock was not recovered from the store");
                }

                if (existing is not null && write.Hlc <= existing.Stamp.Hlc)
                {
                    throw new InvalidOperationException($"local write HLC {write.Hlc} is not after the stored version {existing.Stamp} of {write.Collection}/{write.Key}; the clock did not receive it");
                }

                var version = new RecordVersion(write.Collection, write.Key, write.Kind, write.IsDelete, write.Value, new VersionStamp(write.Hlc, self));
                await ctx.PutAsync(existing, version, cancellationToken).ConfigureAwait(false);
                if (write.Kind == CollectionKind.Shared)
                {
                    await ctx.Session.AppendLogAsync(version, cancellationToken).ConfigureAwait(false);
                }

                ctx.SetApplied(self, write.Hlc);
                outcomes.Add(new LocalWriteOutcome(version, ctx.Changed[^1].Position, LocalWriteRefusal.None, null));
            }

            return (IReadOnlyList<LocalWriteOutcome>)outcomes;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RemoteApplyResult> ApplyRemoteAsync(IReadOnlyList<ChangeRange> ranges, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var self = Self;
        foreach (var range in ranges)
        {
            if (range.Validate() is { } error)
            {
                throw new ArgumentException($"malformed change range: {error}", nameof(ranges));
            }
        }

        return await InWriteAsync([.. ranges.SelectMany(r => r.Changes).Select(c => c.Cursor)], async ctx =>
        {
            var outcomes = new List<RangeApplyOutcome>(ranges.Count);
            foreach (var range in ranges)
            {
                var applied = ctx.Applied(range.Origin);
                var status = StreamRules.Classify(range, applied, self);
                if (status != RangeApplyStatus.Applied)
                {
                    outcomes.Add(new RangeApplyOutcome(range.Origin, status, applied, 0));
                    continue;
                }

                var count = 0;
                foreach (var change in range.Changes)
                {
                    if (change.Stamp.Hlc <= applied)
                    {
                        continue;
                    }

                    // Every shared change is logged, also one that loses last-writer-wins: the log
                    // is what this node forwards, and a receiver's watermark must mean "all of it".
                    if (change.Kind == CollectionKind.Shared)
                    {
                        await ctx.Session.AppendLogAsync(change, cancellationToken).ConfigureAwait(false);
                    }

                    await ctx.MergeAsync(change, cancellationToken).ConfigureAwait(false);
                    count++;
                }

                ctx.SetApplied(range.Origin, range.ThroughInclusive);
                outcomes.Add(new RangeApplyOutcome(range.Origin, status, range.ThroughInclusive, count));
            }

            return new RemoteApplyResult(outcomes, CurrentApplied(ctx), [.. ctx.Changed]);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task SealAsync(Hlc position, CancellationToken cancellationToken = default)
    {
        var self = Self;
        return InWriteAsync<bool>(ctx =>
        {
            if (position <= ctx.Applied(self))
            {
                throw new InvalidOperationException($"seal position {position} is not after this node's stream position {ctx.Applied(self)}; seals take a fresh HLC");
            }

            ctx.SetApplied(self, position);
            return ValueTask.FromResult(true);
        }, cancellationToken);
    }

    private static Watermarks CurrentApplied(WriteContext ctx) =>
        Watermarks.From(ctx.Origins.Select(o => new KeyValuePair<OriginId, Hlc>(o.Origin, o.Applied)));

    private Task<T> InWriteAsync<T>(Func<WriteContext, ValueTask<T>> body, CancellationToken ct, [CallerMemberName] string operation = "") =>
        InWriteAsync([], body, ct, operation);

    /// <summary>
    /// Runs <paramref name="body"/> in one write transaction, which starts knowing the records at
    /// <paramref name="preload"/> (read with the transaction's other starting reads). A connection the server ended while
    /// idle (a restart) fails the first statement; the work never reached COMMIT then, so it runs once
    /// more on a fresh connection. A failure during COMMIT is never retried: its outcome is unknown.
    /// </summary>
    private async Task<T> InWriteAsync<T>(IReadOnlyCollection<RecordCursor> preload, Func<WriteContext, ValueTask<T>> body, CancellationToken ct, [CallerMemberName] string operation = "")
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var committing = false;
                try
                {
                    await using var session = await _backend.BeginAsync(true, ct).ConfigureAwait(false);
                    var ctx = await WriteContext.BeginAsync(session, preload, ct).ConfigureAwait(false);
                    var result = await body(ctx).ConfigureAwait(false);
                    committing = true;
                    await ctx.CommitAsync(ct).ConfigureAwait(false);
                    return result;
                }
                catch (Exception e) when (attempt == 1 && !committing && _backend.LostConnection(e))
                {
                    _backend.DropIdleConnections(e, operation);
                }
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>, which makes one read call (one statement, or one read of several
    /// at once), in a one-read session (<see cref="IStoreBackend.BeginOneReadAsync"/>): one snapshot,
    /// read once more if its connection was lost.
    /// </summary>
    private async Task<T> InOneReadAsync<T>(Func<IStoreSession, ValueTask<T>> body, CancellationToken ct, [CallerMemberName] string operation = "")
    {
        _ = Self;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var session = await _backend.BeginOneReadAsync(ct).ConfigureAwait(false);
                return await body(session).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt == 1 && _backend.LostConnection(e))
            {
                _backend.DropIdleConnections(e, operation);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _backend.DisposeAsync().ConfigureAwait(false);
        _writeLock.Dispose();
    }
}

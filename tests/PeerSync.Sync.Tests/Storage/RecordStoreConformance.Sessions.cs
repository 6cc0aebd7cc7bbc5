using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Tests.Support;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Storage;

/// <summary>
/// A provider's session primitives in orders the record store does not produce today but the
/// contract allows (a key written, deleted and written again in one session; reads between
/// queued writes). PostgreSQL queues a session's writes and sends one statement per table, so
/// these pin down that the order of writes and reads within a session still decides every result.
/// </summary>
public abstract partial class RecordStoreConformance
{
    [StoreFact]
    public async Task Session_leaves_what_the_last_write_of_each_key_says_whatever_came_before()
    {
        var backend = await OpenBackendAsync();
        await using (var setup = await backend.BeginAsync(true, default))
        {
            await setup.UpsertRecordAsync(Row("existing-deleted", "\"old\"", 1), default);
            await setup.UpsertRecordAsync(Row("existing-rewritten", "\"old\"", 2), default);
            await setup.SetMetaAsync("m-existing", "old", default);
            await setup.CommitAsync(default);
        }

        await using (var session = await backend.BeginAsync(true, default))
        {
            // Deletes sent after the upserts would leave "new-deleted"; sent before them, they would
            // remove "existing-rewritten"; keeping the first write of a key would leave "1" in "twice".
            await session.UpsertRecordAsync(Row("new-deleted", "1", 10), default);
            await session.DeleteRecordAsync(Cursor("new-deleted"), default);
            await session.DeleteRecordAsync(Cursor("existing-rewritten"), default);
            await session.UpsertRecordAsync(Row("existing-rewritten", "\"new\"", 11), default);
            await session.UpsertRecordAsync(Row("existing-deleted", "\"newer\"", 12), default);
            await session.DeleteRecordAsync(Cursor("existing-deleted"), default);
            await session.UpsertRecordAsync(Row("twice", "1", 13), default);
            await session.UpsertRecordAsync(Row("twice", "2", 14), default);
            await session.SetMetaAsync("m-new", "1", default);
            await session.SetMetaAsync("m-new", null, default);
            await session.SetMetaAsync("m-existing", null, default);
            await session.SetMetaAsync("m-existing", "new", default);
            await session.CommitAsync(default);
        }

        await using var read = await backend.BeginAsync(false, default);
        var records = await read.ScanRecordsAsync(null, null, 100, default);
        Assert.Equal(
            ["existing-rewritten=\"new\"@11", "twice=2@14"],
            records.Select(r => $"{r.Version.Key}={r.Version.Value}@{r.Position}"));
        Assert.Null(await read.GetMetaAsync("m-new", default));
        Assert.Equal("new", await read.GetMetaAsync("m-existing", default));
    }

    [StoreFact]
    public async Task Session_keeps_the_first_log_entry_of_a_position_also_within_one_session()
    {
        // The log keeps an entry already there (a forwarded change arriving twice); a provider that
        // let the last write of a position win would return "second" or "third".
        var backend = await OpenBackendAsync();
        await using (var session = await backend.BeginAsync(true, default))
        {
            await session.AppendLogAsync(Shared("tags", "x", "\"first\"", B, H(10)), default);
            await session.AppendLogAsync(Shared("tags", "x", "\"second\"", B, H(10)), default);
            await session.AppendLogAsync(Shared("tags", "y", null, B, H(11)), default);
            await session.CommitAsync(default);
        }

        await using (var session = await backend.BeginAsync(true, default))
        {
            await session.AppendLogAsync(Shared("tags", "x", "\"third\"", B, H(10)), default);
            await session.AppendLogAsync(Shared("tags", "y", "\"revived\"", B, H(11)), default);
            await session.CommitAsync(default);
        }

        await using var read = await backend.BeginAsync(false, default);
        var log = await read.ReadLogAsync(B, Hlc.Zero, H(100), 10, default);
        Assert.Equal(["x=\"first\"", "y=(null)"], log.Select(v => $"{v.Key}={v.Value ?? "(null)"}"));
        Assert.True(log[1].Deleted);
    }

    [StoreFact]
    public async Task Session_reads_see_the_writes_queued_before_them_and_a_rollback_drops_all()
    {
        // Each read follows a write to the table it reads that is still queued on PostgreSQL: a
        // read that does not send the queue first (or sends only part of it) misses that write.
        var backend = await OpenBackendAsync();
        var owned = Owned("places", "p", "1", B, H(20));
        await using (var session = await backend.BeginAsync(true, default))
        {
            await session.UpsertRecordAsync(Row("a", "1", 1), default);
            Assert.Equal("1", (await session.GetRecordAsync(Cursor("a"), default))!.Version.Value);

            await session.UpsertRecordAsync(Row("b", "2", 2), default);
            Assert.Equal(2, (await session.GetRecordsAsync([Cursor("a"), Cursor("b"), Cursor("c")], default)).Count);

            await session.UpsertRecordAsync(Row("c", null, 3), default);
            Assert.Equal(["a", "b", "c"], (await session.ScanRecordsAsync(null, null, 10, default)).Select(r => r.Version.Key.Value));
            Assert.Equal(1, await session.CountTombstonesAsync(default));

            await session.UpsertRecordAsync(Row("d", "4", 4), default);
            Assert.Equal(["a", "b", "d"], (await session.ListLiveAsync(C("tags"), null, 10, default)).Select(r => r.Version.Key.Value));

            await session.DeleteRecordAsync(Cursor("c"), default);
            Assert.Empty(await session.ReadTombstonesAsync(H(100), 10, default));

            await session.UpsertRecordAsync(new StoredRecord(owned, 5), default);
            Assert.Equal([owned], (await session.ReadOwnedStreamAsync(B, Hlc.Zero, H(100), 10, default)).Select(r => r.Version));
            Assert.Equal(1, await session.CountOwnedAfterAsync(B, Hlc.Zero, default));

            await session.UpsertRecordAsync(Row("a", "6", 6), default);
            Assert.Equal([2L, 4L, 5L, 6L], (await session.ReadFeedAsync(0, 10, default)).Select(r => r.Position));
            Assert.Equal(3, (await session.ReadBucketsAsync(C("tags"), Enumerable.Range(0, 1024).ToList(), default)).Count);

            await session.AppendLogAsync(Shared("tags", "a", "6", B, H(30)), default);
            Assert.Single(await session.ReadLogAsync(B, Hlc.Zero, H(100), 10, default));
            await session.AppendLogAsync(Shared("tags", "b", "7", B, H(31)), default);
            Assert.Equal(2, await session.CountLogAsync(B, default));
            await session.AppendLogAsync(Shared("tags", "b", "8", B, H(32)), default);
            Assert.Equal(3, await session.CountLogAfterAsync(B, Hlc.Zero, default));
            await session.AppendLogAsync(Shared("tags", "b", "9", B, H(33)), default);
            Assert.Equal(4, await session.PruneLogAsync(B, H(100), default));

            await session.UpsertOriginAsync(new OriginState(B, H(40), H(5)), default);
            Assert.Equal([new OriginState(B, H(40), H(5))], await session.ReadOriginsAsync(default));

            await session.UpsertBucketStateAsync(new BucketState(C("tags"), 7, 3, 99), default);
            Assert.Equal([new BucketState(C("tags"), 7, 3, 99)], await session.ReadBucketStatesAsync(C("tags"), [7], default));

            await session.UpsertCollectionStateAsync(new CollectionState(C("tags"), 3, 42), default);
            Assert.Equal([new CollectionState(C("tags"), 3, 42)], await session.ReadCollectionStatesAsync(C("tags"), default));

            await session.SetMetaAsync("m", "v", default);
            Assert.Equal("v", await session.GetMetaAsync("m", default));

            // Disposed without commit: nothing of it stays, sent or still queued.
            await session.UpsertRecordAsync(Row("queued", "1", 7), default);
        }

        await using var read = await backend.BeginAsync(false, default);
        Assert.Empty(await read.ScanRecordsAsync(null, null, 10, default));
        Assert.Empty(await read.ReadOriginsAsync(default));
        Assert.Empty(await read.ReadCollectionStatesAsync(null, default));
        Assert.Null(await read.GetMetaAsync("m", default));
    }

    private protected async Task<IStoreBackend> OpenBackendAsync()
    {
        var backend = CreateBackend();
        _opened.Add(backend);
        await backend.MigrateAsync(default);
        return backend;
    }

    private static StoredRecord Row(string key, string? value, long position) => new(Shared("tags", key, value, A, H(position)), position);

    private static RecordCursor Cursor(string key) => new(C("tags"), K(key));
}

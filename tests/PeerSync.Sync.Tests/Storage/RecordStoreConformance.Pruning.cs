using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Tests.Support;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Storage;

public abstract partial class RecordStoreConformance
{
    [StoreFact]
    public async Task Prune_drops_acknowledged_log_entries_and_raises_the_floor()
    {
        var store = await OpenNewAsync();
        await store.ApplyRemoteAsync([new ChangeRange(B, Hlc.Zero, H(30), [
            Shared("tags", "x", "1", B, H(10)), Shared("tags", "y", "2", B, H(20)), Shared("tags", "z", "3", B, H(30))])]);

        var result = await store.PruneAsync(new PrunePlan(Watermarks.Empty.With(B, H(20)), Hlc.Zero));
        Assert.Equal(2, result.LogEntriesPruned);
        Assert.Equal(H(20), result.Floors[B]);
        Assert.Equal(1, await store.CountLogEntriesAsync(B));
        Assert.Null(await store.ReadStreamAsync(B, H(10), H(30), 10));
        Assert.Single((await store.ReadStreamAsync(B, H(20), H(30), 10))!.Changes);

        // Never beyond what is applied here.
        var beyond = await store.PruneAsync(new PrunePlan(Watermarks.Empty.With(B, H(99)), Hlc.Zero));
        Assert.Equal(H(30), beyond.Floors[B]);
        Assert.Equal(0, await store.CountLogEntriesAsync());
    }

    [StoreFact]
    public async Task Prune_drops_stable_tombstones_but_keeps_ones_the_stream_does_not_cover()
    {
        var store = await OpenNewAsync();
        await store.ApplyRemoteAsync([new ChangeRange(B, Hlc.Zero, H(20), [Shared("tags", "x", "1", B, H(10)), Shared("tags", "x", null, B, H(20))])]);
        await store.ApplyRepairAsync([Shared("tags", "y", null, Cn, H(15))], []);
        Assert.Equal(2, await store.CountTombstonesAsync());

        var result = await store.PruneAsync(new PrunePlan(Watermarks.Empty, H(25)));
        Assert.Equal(1, result.TombstonesPruned);
        Assert.Null(await store.GetVersionAsync(C("tags"), K("x")));
        Assert.NotNull(await store.GetVersionAsync(C("tags"), K("y")));
    }

    [StoreFact]
    public async Task Prune_of_an_owned_tombstone_raises_that_owners_floor()
    {
        var store = await OpenNewAsync();
        await store.ApplyRemoteAsync([new ChangeRange(B, Hlc.Zero, H(20), [Owned("places", "p", null, B, H(20))])]);
        var result = await store.PruneAsync(new PrunePlan(Watermarks.Empty, H(20)));
        Assert.Equal(1, result.TombstonesPruned);
        Assert.Equal(H(20), result.Floors[B]);
        Assert.Null(await store.ReadStreamAsync(B, H(10), H(20), 10));
    }

    [StoreFact]
    public async Task Snapshot_pages_cover_everything_in_key_order_with_tombstones()
    {
        var source = await OpenNewAsync(B);
        for (var i = 0; i < 25; i++)
        {
            await source.WriteLocalAsync([Put("tags", $"k{i:D2}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), H(100 + i))]);
        }

        await source.WriteLocalAsync([Del("tags", "k03", H(200))]);
        var seen = new List<RecordVersion>();
        RecordCursor? cursor = null;
        var pages = 0;
        while (true)
        {
            var page = await source.ReadSnapshotPageAsync(cursor, 10);
            pages++;
            Assert.Equal(H(200), page.Applied[B]);
            seen.AddRange(page.Records);
            cursor = page.Last;
            if (page.IsLast)
            {
                break;
            }
        }

        Assert.Equal(3, pages);
        Assert.Equal(25, seen.Count);
        Assert.Equal(seen.OrderBy(r => r.Cursor).Select(r => r.Key), seen.Select(r => r.Key));
        Assert.True(seen.Single(r => r.Key.Value == "k03").Deleted);
    }

    [StoreFact]
    public async Task ApplySnapshotPage_deletes_local_records_the_page_lacks_only_when_covered()
    {
        var store = await OpenNewAsync();
        await store.ApplyRemoteAsync([new ChangeRange(B, Hlc.Zero, H(20), [Shared("tags", "gone", "\"old\"", B, H(10)), Shared("tags", "newer", "\"n\"", B, H(20))])]);

        // The source saw B up to 15: it deleted "gone" (covered) and has not seen "newer" (20 > 15).
        var page = new SnapshotPage(Watermarks.Empty.With(B, H(15)), null, [Shared("tags", "kept", "\"k\"", Cn, H(12))], IsLast: true);
        var checkpoint = new BackfillCheckpoint(B.Node, page.Last, page.Applied, 1);
        var result = await store.ApplySnapshotPageAsync(page, checkpoint);
        Assert.Equal(1, result.RecordsDeleted);
        Assert.Null(await store.GetAsync(C("tags"), K("gone")));
        Assert.NotNull(await store.GetAsync(C("tags"), K("newer")));
        Assert.NotNull(await store.GetAsync(C("tags"), K("kept")));

        var reopened = await OpenNewAsync();
        var saved = (await reopened.ReadProgressAsync()).Checkpoint;
        Assert.NotNull(saved);
        Assert.Equal(checkpoint.After, saved.After);
        Assert.Equal(checkpoint.Coverage, saved.Coverage);
        Assert.Equal(B.Node, saved.Source);
    }

    [StoreFact]
    public async Task CompleteBackfill_adopts_the_coverage_and_cannot_serve_below_it()
    {
        var store = await OpenNewAsync();
        await store.ApplySnapshotPageAsync(
            new SnapshotPage(Watermarks.Empty.With(B, H(50)), null, [Shared("tags", "x", "1", B, H(40))], true),
            new BackfillCheckpoint(B.Node, null, Watermarks.Empty.With(B, H(50)), 1));
        var applied = await store.CompleteBackfillAsync(Watermarks.Empty.With(B, H(50)));
        Assert.Equal(H(50), applied[B]);
        var progress = await store.ReadProgressAsync();
        Assert.Null(progress.Checkpoint);
        Assert.Equal(H(50), progress.Floors[B]);
        Assert.Null(await store.ReadStreamAsync(B, H(10), H(50), 10));
    }
}

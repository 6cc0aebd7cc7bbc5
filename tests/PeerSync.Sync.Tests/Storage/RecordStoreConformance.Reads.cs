using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Tests.Support;
using static PeerSync.Sync.Tests.Support.Ids;
using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Tests.Storage;

public abstract partial class RecordStoreConformance
{
    [StoreFact]
    public async Task List_pages_live_records_by_key()
    {
        var store = await OpenNewAsync();
        await store.WriteLocalAsync([Put("tags", "b", "2", H(1)), Put("tags", "a", "1", H(2)), Put("tags", "c", "3", H(3)), Del("tags", "b", H(4)), Put("other", "z", "9", H(5))]);
        var first = await store.ListAsync(C("tags"), null, 1);
        Assert.Equal(["a"], first.Items.Select(i => i.Key.Value));
        Assert.Equal(K("a"), first.Next);
        var second = await store.ListAsync(C("tags"), first.Next, 10);
        Assert.Equal(["c"], second.Items.Select(i => i.Key.Value));
        Assert.Null(second.Next);
        Assert.Null(await store.GetAsync(C("tags"), K("b")));
        Assert.True((await store.GetVersionAsync(C("tags"), K("b")))!.Deleted);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAsync(C("tags"), null, 0));
    }

    [StoreFact]
    public async Task Digests_are_equal_when_the_same_versions_arrive_in_different_orders()
    {
        var one = await OpenNewAsync(A);
        var changes = new[]
        {
            new ChangeRange(B, Hlc.Zero, H(30), [Shared("tags", "x", "1", B, H(10)), Shared("tags", "y", "2", B, H(20)), Shared("tags", "x", null, B, H(30))]),
            new ChangeRange(Cn, Hlc.Zero, H(25), [Shared("tags", "y", "3", Cn, H(25))]),
        };
        await one.ApplyRemoteAsync([changes[0], changes[1]]);
        var digestOne = await one.GetCollectionDigestAsync(C("tags"));
        var bucketsOne = await one.ReadBucketDigestsAsync();

        var otherStorage = new PeerSync.Sync.Storage.InMemory.InMemoryStorage();
        await using var two = RecordStores.InMemory(otherStorage);
        await two.OpenAsync(Node("d"), new DataEpoch(0xD));
        await two.ApplyRemoteAsync([changes[1]]);
        await two.ApplyRemoteAsync([changes[0]]);

        Assert.Equal(digestOne, await two.GetCollectionDigestAsync(C("tags")));
        Assert.Equal(1, digestOne.Count);
        var bucketsTwo = await two.ReadBucketDigestsAsync();
        Assert.Equal(bucketsOne.Single().Fingerprint, bucketsTwo.Single().Fingerprint);
        Assert.Equal(bucketsOne.Single().Buckets, bucketsTwo.Single().Buckets);
    }

    [StoreFact]
    public async Task BucketEntries_report_versions_and_watermarks_together()
    {
        var store = await OpenNewAsync();
        await store.ApplyRemoteAsync([new ChangeRange(B, Hlc.Zero, H(20), [Shared("tags", "x", "1", B, H(10)), Shared("tags", "y", null, B, H(20))])]);
        var bucketX = RecordHashing.Bucket(C("tags"), K("x"));
        var bucketY = RecordHashing.Bucket(C("tags"), K("y"));
        var entries = await store.ReadBucketEntriesAsync(C("tags"), [bucketX, bucketY]);
        Assert.Equal(H(20), entries.Applied[B]);
        Assert.Contains(entries.Entries, e => e.Key == K("x") && !e.Deleted && e.Stamp == new VersionStamp(H(10), B));
        Assert.Contains(entries.Entries, e => e.Key == K("y") && e.Deleted);
    }

    [StoreFact]
    public async Task Repair_merges_pulled_versions_and_compare_and_deletes()
    {
        var store = await OpenNewAsync();
        await store.ApplyRemoteAsync([new ChangeRange(B, Hlc.Zero, H(20), [Shared("tags", "x", "1", B, H(10)), Shared("tags", "y", "2", B, H(20))])]);
        var result = await store.ApplyRepairAsync(
            [Shared("tags", "z", "3", Cn, H(5)), Shared("tags", "x", "\"old\"", Cn, H(1))],
            [new RecordDeletion(new RecordCursor(C("tags"), K("y")), new VersionStamp(H(20), B)), new RecordDeletion(new RecordCursor(C("tags"), K("x")), new VersionStamp(H(99), B))]);
        Assert.Equal(1, result.RecordsChanged);
        Assert.Equal(1, result.RecordsDeleted);
        Assert.Equal("1", (await store.GetAsync(C("tags"), K("x")))!.Value);
        Assert.Null(await store.GetAsync(C("tags"), K("y")));
        Assert.Equal("3", (await store.GetAsync(C("tags"), K("z")))!.Value);

        // The repair tombstone carries the deleted version's stamp, so that version cannot come back.
        await store.ApplyRepairAsync([Shared("tags", "y", "2", B, H(20))], []);
        Assert.Null(await store.GetAsync(C("tags"), K("y")));
    }

    [StoreFact]
    public async Task ChangeFeed_returns_changes_after_a_position_in_apply_order()
    {
        var store = await OpenNewAsync();
        var written = await store.WriteLocalAsync([Put("tags", "a", "1", H(1)), Put("tags", "b", "2", H(2))]);
        await store.ApplyRemoteAsync([new ChangeRange(B, Hlc.Zero, H(10), [Shared("tags", "c", "3", B, H(10))])]);
        var page = await store.ReadChangesAsync(written[0].Position, 10);
        Assert.Equal(["b", "c"], page.Changes.Select(c => c.Version.Key.Value));
        Assert.True(page.Changes[0].Position < page.Changes[1].Position);
        Assert.Equal(page.Changes[^1].Position, page.LastPosition);
        var empty = await store.ReadChangesAsync(page.LastPosition, 10);
        Assert.Empty(empty.Changes);
        Assert.Equal(page.LastPosition, empty.LastPosition);
    }

    [StoreFact]
    public async Task Progress_survives_a_reopen()
    {
        var store = await OpenNewAsync();
        await store.WriteLocalAsync([Put("tags", "a", "1", H(7))]);
        await store.ApplyRemoteAsync([new ChangeRange(B, Hlc.Zero, H(10), [Shared("tags", "c", "3", B, H(10))])]);
        await store.PruneAsync(new PrunePlan(Watermarks.Empty.With(B, H(10)), Hlc.Zero));
        var reopened = await OpenNewAsync();
        var progress = await reopened.ReadProgressAsync();
        Assert.Equal(H(7), progress.Applied[A]);
        Assert.Equal(H(10), progress.Applied[B]);
        Assert.Equal(H(10), progress.Floors[B]);
        Assert.Equal(H(10), progress.HlcHigh);
    }

    [StoreFact]
    public async Task CountStreamAfter_counts_an_origins_log_and_owned_records_above_a_position_and_LastPosition_follows_applies()
    {
        var store = await OpenNewAsync(A);
        Assert.Equal(0, await store.ReadLastPositionAsync());
        await store.ApplyRemoteAsync([new ChangeRange(B, Hlc.Zero, H(30), [
            Shared("tags", "x", "1", B, H(10)), Owned("places", "p1", "1", B, H(15)), Shared("tags", "y", "2", B, H(20)),
            Owned("places", "p2", "1", B, H(25)), Shared("tags", "z", "3", B, H(30))])]);

        Assert.Equal(5, await store.CountStreamAfterAsync(B, Hlc.Zero));
        Assert.Equal(2, await store.CountStreamAfterAsync(B, H(20)));
        Assert.Equal(0, await store.CountStreamAfterAsync(B, H(30)));
        Assert.Equal(0, await store.CountStreamAfterAsync(Cn, Hlc.Zero));

        // An owned record counts once, at its newest version.
        await store.ApplyRemoteAsync([new ChangeRange(B, H(30), H(40), [Owned("places", "p1", "2", B, H(40))])]);
        Assert.Equal(5, await store.CountStreamAfterAsync(B, Hlc.Zero));
        Assert.Equal(3, await store.CountStreamAfterAsync(B, H(20)));
        var feed = await store.ReadChangesAsync(0, 10);
        Assert.Equal(feed.LastPosition, await store.ReadLastPositionAsync());
        Assert.True(feed.LastPosition > 0);
    }
}

using System.Globalization;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Tests.Support;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Storage;

/// <summary>
/// Batches: a write transaction reads its records in one go and (PostgreSQL) sends its writes in
/// round trips of many statements, so later steps of a batch must still see the earlier ones.
/// </summary>
public abstract partial class RecordStoreConformance
{
    [StoreFact]
    public async Task WriteLocal_sees_an_earlier_write_of_the_same_key_in_its_batch()
    {
        var store = await OpenNewAsync();
        var outcomes = await store.WriteLocalAsync([
            Put("tags", "k1", "1", H(100)),
            Put("tags", "k2", "2", H(101)),
            Put("tags", "k1", "3", H(102)),
            Del("tags", "k2", H(103)),
        ]);

        Assert.All(outcomes, o => Assert.True(o.IsWritten));
        Assert.Equal("3", (await store.GetAsync(C("tags"), K("k1")))!.Value);
        Assert.Null(await store.GetAsync(C("tags"), K("k2")));
        Assert.Equal(1, (await store.GetCollectionDigestAsync(C("tags"))).Count);
        Assert.Equal(4, await store.CountLogEntriesAsync(A));
        Assert.Equal(Enumerable.Range(0, 4).Select(i => outcomes[0].Position + i), outcomes.Select(o => o.Position));
    }

    [StoreFact]
    public async Task WriteLocal_stores_a_batch_larger_than_one_round_trip_and_rewrites_it()
    {
        const int count = 1_300;
        var store = await OpenNewAsync();
        await store.WriteLocalAsync(Keys(count).Select((k, i) => Put("tags", k, "1", H(1_000 + i))).ToList());
        var rewrite = await store.WriteLocalAsync(Keys(count).Select((k, i) => Put("tags", k, "2", H(10_000 + i))).ToList());

        Assert.All(rewrite, o => Assert.True(o.IsWritten));
        Assert.Equal(count, (await store.GetCollectionDigestAsync(C("tags"))).Count);
        Assert.Equal(2 * count, await store.CountLogEntriesAsync(A));
        foreach (var key in Keys(count).Where((_, i) => i % 97 == 0))
        {
            Assert.Equal("2", (await store.GetAsync(C("tags"), K(key)))!.Value);
        }

        // The digest kept through both batches equals that of the final records written once.
        await using var reference = RecordStores.InMemory(new PeerSync.Sync.Storage.InMemory.InMemoryStorage());
        await reference.OpenAsync(A.Node, A.Epoch);
        await reference.WriteLocalAsync(Keys(count).Select((k, i) => Put("tags", k, "2", H(10_000 + i))).ToList());
        Assert.Equal(await reference.GetCollectionDigestAsync(C("tags")), await store.GetCollectionDigestAsync(C("tags")));
    }

    [StoreFact]
    public async Task ApplyRemote_merges_ranges_of_one_batch_that_touch_the_same_key()
    {
        var store = await OpenNewAsync();
        var result = await store.ApplyRemoteAsync([
            new ChangeRange(B, Hlc.Zero, H(50, 1), [Shared("tags", "x", "\"b\"", B, H(50)), Shared("tags", "y", "\"b\"", B, H(50, 1))]),
            new ChangeRange(Cn, Hlc.Zero, H(60), [Shared("tags", "x", "\"c-old\"", Cn, H(40)), Shared("tags", "y", "\"c\"", Cn, H(60))]),
        ]);

        Assert.Equal("\"b\"", (await store.GetAsync(C("tags"), K("x")))!.Value);
        Assert.Equal("\"c\"", (await store.GetAsync(C("tags"), K("y")))!.Value);
        Assert.Equal(3, result.Changed.Count);
        Assert.Equal(2, (await store.GetCollectionDigestAsync(C("tags"))).Count);
        Assert.Equal(2, await store.CountLogEntriesAsync(Cn));
    }

    private static IEnumerable<string> Keys(int count) =>
        Enumerable.Range(0, count).Select(i => "k" + i.ToString("D5", CultureInfo.InvariantCulture));
}

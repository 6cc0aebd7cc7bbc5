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
    public async Task Concurrent_writers_and_readers_each_get_a_session_of_their_own()
    {
        // Sessions run side by side (the sync host's peers read while local writes commit); each
        // must start on a connection no other session holds, outside any transaction.
        const int writers = 4, readers = 4, rounds = 25;
        var store = await OpenNewAsync();

        // A node's local writes carry increasing clocks, so writers take turns (as the node's one
        // clock makes them); readers do not wait for them.
        using var clock = new SemaphoreSlim(1, 1);
        var next = 1_000;
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < rounds; i++)
            {
                await clock.WaitAsync();
                try
                {
                    var outcome = await store.WriteLocalAsync([Put("tags", $"w{w}-{i}", "1", H(++next))]);
                    Assert.True(outcome[0].IsWritten);
                }
                finally
                {
                    clock.Release();
                }
            }
        })).Concat(Enumerable.Range(0, readers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < rounds; i++)
            {
                await store.ReadProgressAsync();
                await store.ListAsync(C("tags"), null, 10);
            }
        })));

        await Task.WhenAll(tasks);

        Assert.Equal(writers * rounds, (await store.GetCollectionDigestAsync(C("tags"))).Count);
        Assert.Equal(writers * rounds, await store.CountLogEntriesAsync(A));
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

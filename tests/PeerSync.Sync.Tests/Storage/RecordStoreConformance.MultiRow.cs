using System.Data.Common;
using System.Globalization;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Storage.InMemory;
using PeerSync.Sync.Storage.Sql;
using PeerSync.Sync.Tests.Support;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Storage;

/// <summary>
/// Many rows per session: PostgreSQL sends a session's writes as one statement per table (arrays
/// through unnest), flushed at a bound on rows and text; every row must land exactly as one
/// statement per row would leave it. Each case compares with the in-memory store, the reference.
/// </summary>
public abstract partial class RecordStoreConformance
{
    // More writes than one flush holds (a local write is a record and a log entry).
    private static readonly int BeyondOneFlush = SqlSession.MaxQueuedRows / 2 + 400;

    [StoreFact]
    public async Task WriteLocal_stores_a_session_beyond_one_flush_exactly_with_the_last_write_of_a_key_standing()
    {
        // Keys written twice straddle the flush bound (first write before it, second after), and
        // one is deleted at the end; the feed (every column of every record, and apply positions)
        // and the streams must equal the reference's.
        var writes = new List<LocalWrite>();
        for (var i = 0; i < BeyondOneFlush; i++)
        {
            var owned = i % 3 == 0;
            writes.Add(Put(owned ? "places" : "tags", Key(i), Json(i), H(1_000 + i), owned ? CollectionKind.Owned : CollectionKind.Shared));
        }

        writes.Add(Put("tags", Key(1), "\"last\"", H(1_000 + BeyondOneFlush)));
        writes.Add(Put("places", Key(3), "\"last\"", H(1_001 + BeyondOneFlush), CollectionKind.Owned));
        writes.Add(Del("tags", Key(2), H(1_002 + BeyondOneFlush)));

        var store = await OpenNewAsync();
        var reference = await OpenReferenceAsync();
        var outcomes = await store.WriteLocalAsync(writes);
        await reference.WriteLocalAsync(writes);

        Assert.All(outcomes, o => Assert.True(o.IsWritten));
        Assert.Equal("\"last\"", (await store.GetAsync(C("tags"), K(Key(1))))!.Value);
        Assert.Equal("\"last\"", (await store.GetAsync(C("places"), K(Key(3))))!.Value);
        Assert.Null(await store.GetAsync(C("tags"), K(Key(2))));
        await AssertSameContentAsync(reference, store, [A]);
    }

    [StoreFact]
    public async Task ApplyRemote_stores_a_session_beyond_one_flush_exactly_with_the_last_writer_of_a_key_standing()
    {
        // Two origins in one call, each range beyond one flush; they write the same keys, so each
        // key is merged twice in the session and the later HLC wins (C's, for every other key).
        var fromB = Enumerable.Range(0, BeyondOneFlush).Select(i => Shared("tags", Key(i), Json(i), B, H(1_000 + i))).ToList();
        var fromC = Enumerable.Range(0, BeyondOneFlush).Where(i => i % 2 == 0)
            .Select(i => Shared("tags", Key(i), i % 10 == 0 ? null : "\"c\"", Cn, H(5_000 + i))).ToList();
        ChangeRange[] ranges = [new(B, Hlc.Zero, fromB[^1].Stamp.Hlc, fromB), new(Cn, Hlc.Zero, fromC[^1].Stamp.Hlc, fromC)];

        var store = await OpenNewAsync();
        var reference = await OpenReferenceAsync();
        var result = await store.ApplyRemoteAsync(ranges);
        var expected = await reference.ApplyRemoteAsync(ranges);

        Assert.Equal(expected.Changed, result.Changed);
        Assert.Equal("\"c\"", (await store.GetAsync(C("tags"), K(Key(2))))!.Value);
        Assert.Equal(Json(1), (await store.GetAsync(C("tags"), K(Key(1))))!.Value);
        Assert.Null(await store.GetAsync(C("tags"), K(Key(10))));
        await AssertSameContentAsync(reference, store, [B, Cn]);
    }

    [StoreFact]
    public async Task WriteLocal_stores_null_empty_and_large_values_exactly_even_beyond_the_text_bound_of_one_flush()
    {
        // JSON null is a value, not SQL NULL; a tombstone's value is SQL NULL. The large values
        // add up to more text than one flush holds, so they go out in several.
        var large = Enumerable.Range(0, (int)(SqlSession.MaxQueuedTextChars / RecordValue.MaxLengthChars) + 1)
            .Select(i => "\"" + new string((char)('a' + i), RecordValue.MaxLengthChars - 2) + "\"").ToList();
        string[] small = ["null", "\"\"", "{}", "[]", "0", "false", "\"ünïcødé ✓ 𝄞\"", "\"quote \\\" backslash \\\\ nul \\u0000\"", " {\"padded\": true} "];
        var writes = new List<LocalWrite> { Put("tags", "gone", "1", H(100)) };
        writes.AddRange(small.Select((v, i) => Put("tags", "s" + i.ToString(CultureInfo.InvariantCulture), v, H(200 + i))));
        writes.AddRange(large.Select((v, i) => Put("tags", "l" + i.ToString(CultureInfo.InvariantCulture), v, H(300 + i))));
        writes.Add(Del("tags", "gone", H(400)));

        var store = await OpenNewAsync();
        var reference = await OpenReferenceAsync();
        await store.WriteLocalAsync(writes);
        await reference.WriteLocalAsync(writes);

        for (var i = 0; i < small.Length; i++)
        {
            Assert.Equal(small[i], (await store.GetAsync(C("tags"), K("s" + i.ToString(CultureInfo.InvariantCulture))))!.Value);
        }

        for (var i = 0; i < large.Count; i++)
        {
            Assert.Equal(large[i], (await store.GetAsync(C("tags"), K("l" + i.ToString(CultureInfo.InvariantCulture))))!.Value);
        }

        var tombstone = (await store.GetVersionAsync(C("tags"), K("gone")))!;
        Assert.True(tombstone.Deleted);
        Assert.Null(tombstone.Value);
        await AssertSameContentAsync(reference, store, [A]);
    }

    /// <summary>
    /// A statement that fails late in a session beyond one flush (the provider rejects the log entry
    /// of <paramref name="poisonKey"/> once <paramref name="reject"/> ran) leaves nothing of it: not
    /// the rows already sent, not the counters; and the store keeps working. For providers that can
    /// be made to fail a statement (the SQL ones).
    /// </summary>
    protected async Task AssertAFailedStatementLeavesNothingOfItsSessionAsync(Func<string, Task> reject)
    {
        ArgumentNullException.ThrowIfNull(reject);
        const string poisonKey = "poison";
        var store = await OpenNewAsync();
        await store.WriteLocalAsync([Put("tags", "before", "1", H(100))]);
        var digest = await store.GetCollectionDigestAsync(C("tags"));
        var position = await store.ReadLastPositionAsync();
        await reject(poisonKey);

        var writes = Enumerable.Range(0, BeyondOneFlush).Select(i => Put("tags", Key(i), Json(i), H(1_000 + i))).ToList();
        writes.Add(Put("tags", "before", "2", H(1_000 + BeyondOneFlush)));
        writes.Add(Put("tags", poisonKey, "1", H(1_001 + BeyondOneFlush)));
        await Assert.ThrowsAnyAsync<DbException>(() => store.WriteLocalAsync(writes));

        Assert.Null(await store.GetAsync(C("tags"), K(Key(0))));
        Assert.Equal("1", (await store.GetAsync(C("tags"), K("before")))!.Value);
        Assert.Equal(digest, await store.GetCollectionDigestAsync(C("tags")));
        Assert.Equal(position, await store.ReadLastPositionAsync());
        Assert.Equal(H(100), (await store.ReadProgressAsync()).Applied[A]);
        Assert.Equal(1, await store.CountLogEntriesAsync());

        var after = await store.WriteLocalAsync([Put("tags", "after", "3", H(2_000 + BeyondOneFlush))]);
        Assert.True(after[0].IsWritten);
        Assert.Equal(2, (await store.GetCollectionDigestAsync(C("tags"))).Count);
    }

    private async Task<IRecordStore> OpenReferenceAsync()
    {
        var reference = RecordStores.InMemory(new InMemoryStorage());
        _opened.Add(reference);
        await reference.OpenAsync(A.Node, A.Epoch);
        return reference;
    }

    /// <summary>The feed (every record with its position), digests, progress and the streams of <paramref name="origins"/> are equal.</summary>
    private static async Task AssertSameContentAsync(IRecordStore expected, IRecordStore actual, IReadOnlyList<OriginId> origins)
    {
        Assert.Equal(await FeedAsync(expected), await FeedAsync(actual));
        foreach (var collection in new[] { C("tags"), C("places") })
        {
            Assert.Equal(await expected.GetCollectionDigestAsync(collection), await actual.GetCollectionDigestAsync(collection));
        }

        Assert.Equal(await BucketsAsync(expected), await BucketsAsync(actual));
        var (e, a) = (await expected.ReadProgressAsync(), await actual.ReadProgressAsync());
        Assert.Equal(e.Applied, a.Applied);
        Assert.Equal(e.HlcHigh, a.HlcHigh);
        foreach (var origin in origins)
        {
            var stream = await actual.ReadStreamAsync(origin, Hlc.Zero, H(1_000_000), 100_000);
            Assert.Equal((await expected.ReadStreamAsync(origin, Hlc.Zero, H(1_000_000), 100_000))!.Changes, stream!.Changes);
            Assert.Equal(await expected.CountLogEntriesAsync(origin), await actual.CountLogEntriesAsync(origin));
        }
    }

    private static async Task<List<AppliedChange>> FeedAsync(IRecordStore store)
    {
        var feed = new List<AppliedChange>();
        for (var page = await store.ReadChangesAsync(0, RecordStore.MaxListLimit); page.Changes.Count > 0; page = await store.ReadChangesAsync(page.LastPosition, RecordStore.MaxListLimit))
        {
            feed.AddRange(page.Changes);
        }

        return feed;
    }

    private static async Task<List<string>> BucketsAsync(IRecordStore store) =>
        [.. (await store.ReadBucketDigestsAsync()).SelectMany(d => d.Buckets.OrderBy(b => b.Key).Select(b => $"{d.Collection}/{d.Count}/{d.Fingerprint}/{b.Key}={b.Value}"))];

    private static string Key(int i) => "m" + i.ToString("D5", CultureInfo.InvariantCulture);

    private static string Json(int i) => "{\"i\":" + i.ToString(CultureInfo.InvariantCulture) + "}";
}

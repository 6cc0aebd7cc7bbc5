using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Tests.Support;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Storage;

/// <summary>
/// Reads a write transaction makes together (PostgreSQL: one round trip each): origins with
/// metadata at the start, bucket and collection digests at commit. They must return what the
/// single reads return, also right after writes to those tables that are still queued.
/// </summary>
public abstract partial class RecordStoreConformance
{
    [StoreFact]
    public async Task ReadOriginsAndMeta_returns_every_origin_and_the_names_present_after_queued_writes()
    {
        var backend = await OpenBackendAsync();
        await using (var setup = await backend.BeginAsync(true, default))
        {
            await setup.UpsertOriginAsync(new OriginState(Cn, H(30), H(3)), default);
            await setup.SetMetaAsync("m2", "old", default);
            await setup.SetMetaAsync("m3", "kept", default);
            await setup.CommitAsync(default);
        }

        await using var session = await backend.BeginAsync(true, default);
        await session.UpsertOriginAsync(new OriginState(B, H(20), H(2)), default);
        await session.SetMetaAsync("m1", "new", default);
        await session.SetMetaAsync("m2", null, default);

        var read = await session.ReadOriginsAndMetaAsync(["m1", "m2", "m3", "m1", "absent"], default);

        Assert.Equal([new OriginState(B, H(20), H(2)), new OriginState(Cn, H(30), H(3))], read.Origins.OrderBy(o => o.Origin.Node.Value));
        Assert.Equal(["m1=new", "m3=kept"], read.Meta.Select(m => $"{m.Key}={m.Value}").Order(StringComparer.Ordinal));
        Assert.Null(read.Get("m2"));

        var noNames = await session.ReadOriginsAndMetaAsync([], default);
        Assert.Equal(2, noNames.Origins.Count);
        Assert.Empty(noNames.Meta);
    }

    [StoreFact]
    public async Task ReadDigestStates_returns_the_rows_asked_for_once_across_collections_after_queued_writes()
    {
        var backend = await OpenBackendAsync();
        await using (var setup = await backend.BeginAsync(true, default))
        {
            await setup.UpsertBucketStateAsync(new BucketState(C("tags"), 1, 10, 100), default);
            await setup.UpsertBucketStateAsync(new BucketState(C("tags"), 2, 20, 200), default);
            await setup.UpsertBucketStateAsync(new BucketState(C("places"), 1, 30, 300), default);
            await setup.UpsertCollectionStateAsync(new CollectionState(C("tags"), 30, 1), default);
            await setup.UpsertCollectionStateAsync(new CollectionState(C("places"), 30, 2), default);
            await setup.CommitAsync(default);
        }

        await using var session = await backend.BeginAsync(true, default);
        await session.UpsertBucketStateAsync(new BucketState(C("tags"), 3, 40, ulong.MaxValue), default);
        await session.UpsertCollectionStateAsync(new CollectionState(C("other"), 40, ulong.MaxValue), default);

        var read = await session.ReadDigestStatesAsync(
            [(C("tags"), 1), (C("places"), 1), (C("tags"), 3), (C("tags"), 9), (C("tags"), 1)],
            [C("tags"), C("other"), C("missing"), C("tags")],
            default);

        Assert.Equal(
            ["places/1=30:300", "tags/1=10:100", $"tags/3=40:{ulong.MaxValue}"],
            read.Buckets.Select(b => $"{b.Collection}/{b.Bucket}={b.Count}:{b.Fingerprint}").Order(StringComparer.Ordinal));
        Assert.Equal(
            [new CollectionState(C("other"), 40, ulong.MaxValue), new CollectionState(C("tags"), 30, 1)],
            read.Collections.OrderBy(c => c.Collection.Value, StringComparer.Ordinal));

        var none = await session.ReadDigestStatesAsync([], [], default);
        Assert.Empty(none.Buckets);
        Assert.Empty(none.Collections);
    }

    [StoreFact]
    public async Task Digests_kept_over_many_write_calls_equal_the_digests_of_the_final_records()
    {
        // A write call reads the digests of the buckets and collections it may touch at its start
        // and adds its deltas at commit; a digest it misread (absent for present, or a stale one)
        // would drift from the records over calls. Local writes, rewrites, deletes, remote changes
        // and a repair each land in buckets written by earlier calls.
        var store = await OpenNewAsync();
        var hlc = 100;
        for (var call = 0; call < 4; call++)
        {
            await store.WriteLocalAsync([.. Enumerable.Range(0, 60).Select(i =>
                i % 11 == call ? Del("tags", $"k{i}", H(++hlc)) : Put(i % 2 == 0 ? "tags" : "places", $"k{i}", $"{call}", H(++hlc), i % 2 == 0 ? CollectionKind.Shared : CollectionKind.Owned))]);
        }

        await store.ApplyRemoteAsync([new ChangeRange(B, Hlc.Zero, H(900), [.. Enumerable.Range(0, 30).Select(i => Shared("tags", $"k{i * 2}", "\"b\"", B, H(800 + i)))])]);
        await store.ApplyRepairAsync([Shared("tags", "repaired", "7", Cn, H(950))], []);

        var live = new List<RecordVersion>();
        foreach (var collection in new[] { C("places"), C("tags") })
        {
            live.AddRange((await store.ListAsync(collection, null, 1000)).Items);
        }

        var expected = live.GroupBy(v => v.Collection).OrderBy(g => g.Key).Select(g => new
        {
            Collection = g.Key,
            Count = (long)g.Count(),
            Hash = g.Aggregate(0UL, (h, v) => unchecked(h + RecordHashing.ValueDigest(v))),
            Buckets = g.GroupBy(v => RecordHashing.Bucket(v.Collection, v.Key)).OrderBy(b => b.Key)
                .Select(b => $"{b.Key}:{b.Aggregate(0UL, (f, v) => unchecked(f + RecordHashing.Fingerprint(v)))}").ToList(),
        }).ToList();
        var buckets = await store.ReadBucketDigestsAsync();

        Assert.Equal(expected.Select(e => e.Collection), buckets.Select(b => b.Collection));
        foreach (var (want, have) in expected.Zip(buckets))
        {
            Assert.Equal(want.Buckets, have.Buckets.OrderBy(b => b.Key).Select(b => $"{b.Key}:{b.Value}"));
            Assert.Equal(want.Count, have.Count);
            Assert.Equal(new CollectionDigest(want.Collection, want.Count, want.Hash), await store.GetCollectionDigestAsync(want.Collection));
        }
    }
}

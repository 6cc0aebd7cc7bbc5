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
}

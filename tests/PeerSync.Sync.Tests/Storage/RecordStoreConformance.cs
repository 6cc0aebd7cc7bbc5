using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Tests.Support;
using static PeerSync.Sync.Tests.Support.Ids;
using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Tests.Storage;

/// <summary>
/// The record store conformance suite: one abstract spec, a tiny subclass per provider. Each test
/// gets fresh storage; <see cref="OpenNewAsync"/> opens another store on the same storage (a restart).
/// </summary>
public abstract partial class RecordStoreConformance : IAsyncLifetime
{
    protected static readonly OriginId A = Origin("a", 0xA);
    protected static readonly OriginId B = Origin("b", 0xB);
    protected static readonly OriginId Cn = Origin("c", 0xC);
    private readonly List<IAsyncDisposable> _opened = [];

    /// <summary>A provider on this test's storage; every call returns a new instance on the same data.</summary>
    internal abstract IStoreBackend CreateBackend();

    /// <summary>A store on this test's storage; every call returns a new instance on the same data.</summary>
    protected IRecordStore CreateStore() => new RecordStore(CreateBackend());

    /// <summary>Marks the storage's schema as one version newer than this build.</summary>
    protected abstract Task MakeSchemaNewerAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    protected async Task<IRecordStore> OpenNewAsync(OriginId? self = null)
    {
        var store = CreateStore();
        _opened.Add(store);
        var origin = self ?? A;
        await store.OpenAsync(origin.Node, origin.Epoch);
        return store;
    }

    private static LocalWrite Put(string c, string k, string value, Hlc hlc, CollectionKind kind = CollectionKind.Shared) => new(C(c), K(k), kind, value, hlc);

    private static LocalWrite Del(string c, string k, Hlc hlc, CollectionKind kind = CollectionKind.Shared) => new(C(c), K(k), kind, null, hlc);

    [StoreFact]
    public async Task Open_creates_an_epoch_once_and_keeps_it_across_reopen()
    {
        var first = await OpenNewAsync();
        var progress = await first.ReadProgressAsync();
        Assert.Equal(A.Epoch, progress.Epoch);
        Assert.False(progress.HasData);

        var second = CreateStore();
        _opened.Add(second);
        var reopened = await second.OpenAsync(A.Node, new DataEpoch(0x999));
        Assert.Equal(A.Epoch, reopened.Epoch);
        Assert.Equal(A, reopened.Self);
    }

    [StoreFact]
    public async Task Open_refuses_when_the_data_belongs_to_another_node()
    {
        await OpenNewAsync();
        var other = CreateStore();
        _opened.Add(other);
        var error = await Assert.ThrowsAsync<RecordStoreException>(() => other.OpenAsync(B.Node, B.Epoch));
        Assert.Contains("belongs to node 'a'", error.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Open_refuses_a_schema_newer_than_this_build()
    {
        await OpenNewAsync();
        await MakeSchemaNewerAsync();
        var store = CreateStore();
        _opened.Add(store);
        var error = await Assert.ThrowsAsync<RecordStoreException>(() => store.OpenAsync(A.Node, A.Epoch));
        Assert.Contains("newer than this build supports", error.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task WriteLocal_stamps_versions_logs_shared_changes_and_advances_the_own_position()
    {
        var store = await OpenNewAsync();
        var outcomes = await store.WriteLocalAsync([Put("tags", "k1", "1", H(100)), Put("places", "p1", "{\"x\":1}", H(101), CollectionKind.Owned)]);
        Assert.All(outcomes, o => Assert.True(o.IsWritten));
        Assert.Equal(new VersionStamp(H(100), A), outcomes[0].Written!.Stamp);
        Assert.True(outcomes[1].Position > outcomes[0].Position);

        var progress = await store.ReadProgressAsync();
        Assert.Equal(H(101), progress.Applied[A]);
        Assert.Equal(H(101), progress.HlcHigh);
        Assert.True(progress.HasData);
        Assert.Equal(1, await store.CountLogEntriesAsync(A));
        Assert.Equal("1", (await store.GetAsync(C("tags"), K("k1")))!.Value);
    }

    [StoreFact]
    public async Task WriteLocal_refuses_an_owned_record_of_another_owner_with_a_clear_reason()
    {
        var store = await OpenNewAsync();
        await store.ApplyRemoteAsync([new ChangeRange(B, Hlc.Zero, H(50), [Owned("places", "p1", "1", B, H(50))])]);
        var outcome = (await store.WriteLocalAsync([Put("places", "p1", "2", H(60), CollectionKind.Owned)]))[0];
        Assert.False(outcome.IsWritten);
        Assert.Equal(LocalWriteRefusal.NotOwner, outcome.Refusal);
        Assert.Contains("owned by node b", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal("1", (await store.GetAsync(C("places"), K("p1")))!.Value);
    }

    [StoreFact]
    public async Task WriteLocal_rolls_back_the_whole_batch_when_an_invariant_fails()
    {
        var store = await OpenNewAsync();
        await store.WriteLocalAsync([Put("tags", "k1", "1", H(100))]);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.WriteLocalAsync([Put("tags", "k2", "2", H(200)), Put("tags", "k3", "3", H(150))]));
        Assert.Null(await store.GetAsync(C("tags"), K("k2")));
        Assert.Equal(H(100), (await store.ReadProgressAsync()).Applied[A]);
        Assert.Equal(1, await store.CountLogEntriesAsync());
    }

    [StoreFact]
    public async Task WriteLocal_rejects_a_value_that_is_not_json()
    {
        var store = await OpenNewAsync();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.WriteLocalAsync([Put("tags", "k1", "{not json", H(1))]));
        Assert.Contains("one JSON value", error.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task ApplyRemote_is_idempotent_and_refuses_gaps()
    {
        var store = await OpenNewAsync();
        var first = new ChangeRange(B, Hlc.Zero, H(20), [Shared("tags", "x", "1", B, H(10)), Shared("tags", "y", "2", B, H(20))]);
        var r1 = await store.ApplyRemoteAsync([first]);
        Assert.Equal(RangeApplyStatus.Applied, r1.Ranges[0].Status);
        Assert.Equal(2, r1.Changed.Count);

        var again = await store.ApplyRemoteAsync([first]);
        Assert.Equal(RangeApplyStatus.Duplicate, again.Ranges[0].Status);
        Assert.Empty(again.Changed);

        var gap = await store.ApplyRemoteAsync([new ChangeRange(B, H(30), H(40), [Shared("tags", "z", "3", B, H(40))])]);
        Assert.Equal(RangeApplyStatus.Gap, gap.Ranges[0].Status);
        Assert.Null(await store.GetAsync(C("tags"), K("z")));
        Assert.Equal(H(20), gap.Applied[B]);

        var overlap = await store.ApplyRemoteAsync([new ChangeRange(B, H(10), H(30), [Shared("tags", "y", "2", B, H(20)), Shared("tags", "w", "4", B, H(30))])]);
        Assert.Equal(1, overlap.Ranges[0].ChangesApplied);
        Assert.Equal(H(30), overlap.Applied[B]);
        Assert.Equal(3, await store.CountLogEntriesAsync(B));
    }

    [StoreFact]
    public async Task ApplyRemote_keeps_the_last_writer_and_logs_the_loser_for_forwarding()
    {
        var store = await OpenNewAsync();
        await store.ApplyRemoteAsync([new ChangeRange(B, Hlc.Zero, H(50), [Shared("tags", "x", "\"b\"", B, H(50))])]);
        var result = await store.ApplyRemoteAsync([new ChangeRange(Cn, Hlc.Zero, H(40), [Shared("tags", "x", "\"c\"", Cn, H(40))])]);
        Assert.Empty(result.Changed);
        Assert.Equal("\"b\"", (await store.GetAsync(C("tags"), K("x")))!.Value);
        Assert.Equal(1, await store.CountLogEntriesAsync(Cn));

        // Equal HLC: the node id breaks the tie (c > b).
        await store.ApplyRemoteAsync([new ChangeRange(Cn, H(40), H(50), [Shared("tags", "x", "\"c2\"", Cn, H(50))])]);
        Assert.Equal("\"c2\"", (await store.GetAsync(C("tags"), K("x")))!.Value);
    }

    [StoreFact]
    public async Task ApplyRemote_never_applies_ranges_of_its_own_stream()
    {
        var store = await OpenNewAsync();
        var result = await store.ApplyRemoteAsync([new ChangeRange(A, Hlc.Zero, H(10), [Shared("tags", "x", "1", A, H(10))])]);
        Assert.Equal(RangeApplyStatus.OwnOrigin, result.Ranges[0].Status);
        Assert.Null(await store.GetAsync(C("tags"), K("x")));
    }

    [StoreFact]
    public async Task ApplyRemote_rejects_a_malformed_range_naming_the_problem()
    {
        var store = await OpenNewAsync();
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            store.ApplyRemoteAsync([new ChangeRange(B, H(10), H(20), [Shared("tags", "x", "1", B, H(5))])]));
        Assert.Contains("out of order or out of range", error.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task ReadStream_merges_log_and_owned_records_in_order_and_cuts_at_the_limit()
    {
        var store = await OpenNewAsync();
        await store.WriteLocalAsync([
            Put("tags", "t1", "1", H(10)),
            Put("places", "p1", "1", H(11), CollectionKind.Owned),
            Put("tags", "t2", "2", H(12)),
            Put("places", "p1", "2", H(13), CollectionKind.Owned),
            Put("tags", "t3", "3", H(14)),
        ]);

        var all = await store.ReadStreamAsync(A, Hlc.Zero, H(100), 100);
        Assert.NotNull(all);
        Assert.Equal(H(14), all.ThroughInclusive);
        Assert.Equal([H(10), H(12), H(13), H(14)], all.Changes.Select(c => c.Stamp.Hlc));

        var cut = await store.ReadStreamAsync(A, Hlc.Zero, H(100), 2);
        Assert.Equal(H(12), cut!.ThroughInclusive);
        Assert.Equal(2, cut.Count);
        var rest = await store.ReadStreamAsync(A, cut.ThroughInclusive, H(100), 2);
        Assert.Equal([H(13), H(14)], rest!.Changes.Select(c => c.Stamp.Hlc));
        Assert.Null(rest.Validate());
    }

    [StoreFact]
    public async Task Seal_advances_the_own_stream_without_a_change()
    {
        var store = await OpenNewAsync();
        await store.WriteLocalAsync([Put("tags", "t1", "1", H(10))]);
        await store.SealAsync(H(20));
        var range = await store.ReadStreamAsync(A, H(10), H(30), 10);
        Assert.Equal(H(20), range!.ThroughInclusive);
        Assert.Empty(range.Changes);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SealAsync(H(15)));
    }
}

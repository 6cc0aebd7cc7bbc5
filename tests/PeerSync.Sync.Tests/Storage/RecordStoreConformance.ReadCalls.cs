using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Tests.Support;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Storage;

/// <summary>
/// Reads of several statements that one read call makes (PostgreSQL: one batch, one round trip,
/// in a one-read session also beginning and ending its snapshot). They must return what their
/// single reads return one after the other.
/// </summary>
public abstract partial class RecordStoreConformance
{
    [StoreFact]
    public async Task ReadStreamRows_reads_up_to_the_applied_position_and_nothing_below_the_floor_or_of_an_unknown_origin()
    {
        var backend = await OpenBackendAsync();
        var owned = Owned("places", "o25", "1", B, H(25));
        await using (var setup = await backend.BeginAsync(true, default))
        {
            await setup.UpsertOriginAsync(new OriginState(B, H(30), H(10)), default);
            foreach (var ms in new[] { 20, 24, 30, 40 })
            {
                await setup.AppendLogAsync(Shared("tags", $"l{ms}", "1", B, H(ms)), default);
            }

            await setup.UpsertRecordAsync(new StoredRecord(owned, 1), default);
            await setup.UpsertRecordAsync(new StoredRecord(Owned("places", "o35", "1", B, H(35)), 2), default);
            await setup.UpsertRecordAsync(new StoredRecord(Owned("places", "c", "1", Cn, H(26)), 3), default);
            await setup.CommitAsync(default);
        }

        async Task<string> Read(OriginId origin, long after, long through, int limit)
        {
            await using var session = await backend.BeginOneReadAsync(default);
            var rows = await session.ReadStreamRowsAsync(origin, H(after), H(through), limit, default);
            return $"{rows.State?.Applied.ToString() ?? "none"} log [{string.Join(" ", rows.Log.Select(v => v.Key))}] owned [{string.Join(" ", rows.Owned.Select(r => r.Version.Key))}]";
        }

        // Through the applied position at most (log entry 40 is above it), each list cut at the limit.
        Assert.Equal($"{H(30)} log [l20 l24 l30] owned [o25]", await Read(B, 10, 100, 10));
        Assert.Equal($"{H(30)} log [l20] owned [o25]", await Read(B, 10, 100, 1));
        Assert.Equal($"{H(30)} log [l30] owned []", await Read(B, 25, 30, 10));

        // Nothing above the applied position, below the floor, or of an origin without a state.
        Assert.Equal($"{H(30)} log [] owned []", await Read(B, 30, 100, 10));
        Assert.Equal($"{H(30)} log [] owned []", await Read(B, 9, 100, 10));
        Assert.Equal("none log [] owned []", await Read(Cn, 0, 100, 10));

        await using var read = await backend.BeginOneReadAsync(default);
        Assert.Equal([owned], (await read.ReadStreamRowsAsync(B, H(24), H(29), 10, default)).Owned.Select(r => r.Version));
    }

    [StoreFact]
    public async Task Reads_of_one_read_call_return_what_their_single_reads_return_after_queued_writes()
    {
        var backend = await OpenBackendAsync();
        var record = Shared("tags", "a", "1", B, H(20));
        var bucket = RecordHashing.Bucket(record.Collection, record.Key);
        await using var session = await backend.BeginAsync(true, default);
        await session.UpsertOriginAsync(new OriginState(B, H(20), Hlc.Zero), default);
        await session.UpsertRecordAsync(new StoredRecord(record, 1), default);
        await session.UpsertRecordAsync(new StoredRecord(Owned("places", "o", "1", B, H(21)), 2), default);
        await session.AppendLogAsync(record, default);

        var origins = new[] { new OriginState(B, H(20), Hlc.Zero) };
        var scan = await session.ReadOriginsAndScanAsync(null, 10, default);
        Assert.Equal(origins, scan.Origins);
        Assert.Equal(["places/o", "tags/a"], scan.Records.Select(r => r.Version.Cursor.ToString()));
        var after = await session.ReadOriginsAndScanAsync(new RecordCursor(C("places"), K("o")), 10, default);
        Assert.Equal([record], after.Records.Select(r => r.Version));

        var buckets = await session.ReadOriginsAndBucketsAsync(C("tags"), [bucket, bucket, (bucket + 1) % AntiEntropyBuckets.Count], default);
        Assert.Equal(origins, buckets.Origins);
        Assert.Equal([record], buckets.Records.Select(r => r.Version));
        Assert.Empty((await session.ReadOriginsAndBucketsAsync(C("tags"), [], default)).Records);

        Assert.Equal(2, await session.CountStreamAfterAsync(B, Hlc.Zero, default));
        Assert.Equal(1, await session.CountStreamAfterAsync(B, H(20), default));
        Assert.Equal(0, await session.CountStreamAfterAsync(Cn, Hlc.Zero, default));
    }
}

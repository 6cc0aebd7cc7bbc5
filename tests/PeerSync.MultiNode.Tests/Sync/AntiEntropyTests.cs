using PeerSync.Hosting.Options;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using Xunit.Abstractions;
using static PeerSync.MultiNode.Tests.Sync.SyncTestCluster;

namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>Digest comparison catches what watermark bookkeeping cannot see, and repairs it.</summary>
public sealed class AntiEntropyTests(ITestOutputHelper output)
{
    /// <summary>
    /// While n3 is down, a stale record appears in its store (as from a restored backup): a version
    /// of n1's that n3's watermark says it has seen, but that n1 no longer holds. No stream will
    /// ever carry it; the digest comparison on reconnect finds it and n3 removes it.
    /// </summary>
    [Fact]
    public async Task A_record_that_watermarks_cannot_see_is_found_by_digests_on_reconnect_and_repaired()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output, (o, _) => o.Cluster.Downing.StableAfter = TimeSpan.FromSeconds(60));
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n3) = (cluster["n1"], cluster["n3"]);
        await CatchUpTests.WriteAsync(n1, 0, 200);
        await cluster.AwaitConvergedAsync([Tags], minCount: 200);
        var n1Origin = new OriginId(n1.Id, n1.Node.DataEpoch);
        var n3Epoch = n3.Node.DataEpoch;

        await cluster.KillAsync(n3);
        await using (var offline = RecordStores.Sqlite(new SqliteRecordStoreOptions { DataDir = n3.DataDirectory }))
        {
            var progress = await offline.OpenAsync(n3.Id, n3Epoch);
            var seen = progress.Applied[n1Origin];
            var phantom = new RecordVersion(Tags, RecordKey.Parse("phantom"), CollectionKind.Shared, false, "\"ghost\"",
                new VersionStamp(Hlc.From(seen.PhysicalMs - 1, 0), n1Origin));
            await offline.ApplyRepairAsync([phantom], []);
        }

        await cluster.StartNodeAsync(n3);
        await cluster.AwaitSyncReadyAsync([n3]);
        await cluster.AwaitConvergedAsync([Tags], minCount: 200);

        Assert.Null(await n3.Host().Store.GetAsync(Tags, RecordKey.Parse("phantom")));
        // The store applies the repair before the coordinator publishes its snapshot and logs the
        // round: both follow within a step, so wait for them (bounded) instead of reading at once.
        await cluster.AwaitAsync(() => n3.Host().Snapshot.RepairsApplied >= 1, "n3 counted the repair");
        await cluster.AwaitAsync(
            () => n3.Logs.Entries.Any(e => e.Message.Contains("anti-entropy with", StringComparison.Ordinal) && e.Message.Contains("1 deleted", StringComparison.Ordinal)),
            "n3 logged the anti-entropy round that deleted the phantom");
    }
}

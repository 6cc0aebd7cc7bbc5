using PeerSync.Hosting.Options;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.TestKit.MultiNode;
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

    /// <summary>
    /// A round finds the phantom n2 holds, so the differing bucket's entries are read on n1 (as the
    /// side answering n2's round, or for its own). That read blocks its thread in n1's store, as a
    /// long SQLite read does: n1 still commits a local write meanwhile, and once the read is released
    /// a round deletes the phantom.
    /// </summary>
    [Fact]
    public async Task A_bucket_entries_read_for_a_round_does_not_hold_up_local_writes()
    {
        var (cluster, control) = await StartTwoComparingOftenAsync();
        await using var _ = cluster;
        var (n1, n2) = (cluster["n1"], cluster["n2"]);
        var entriesRead = control.BlockNext("ReadBucketEntriesAsync");
        try
        {
            await PlantPhantomAsync(n1, n2);
            await entriesRead.Made.WaitAsync(TimeSpan.FromSeconds(60));

            // Bounded only so that a coordinator stuck behind the read fails the test instead of hanging it.
            var during = await n1.PutAsync(Tags, "during", "2").WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(during.IsWritten);
        }
        finally
        {
            entriesRead.Release();
        }

        await cluster.AwaitConvergedAsync([Tags], minCount: 2);
        Assert.Null(await n2.Host().Store.GetAsync(Tags, RecordKey.Parse("phantom")));
    }

    /// <summary>
    /// An anti-entropy read beside the coordinator's turn that fails restarts the coordinator with a
    /// message naming the read, as a failed store call on its turn does; a later round repairs.
    /// </summary>
    [Fact]
    public async Task A_failed_bucket_entries_read_restarts_the_coordinator_and_a_later_round_repairs()
    {
        var (cluster, control) = await StartTwoComparingOftenAsync();
        await using var _ = cluster;
        var (n1, n2) = (cluster["n1"], cluster["n2"]);
        control.FailNext("ReadBucketEntriesAsync");

        await PlantPhantomAsync(n1, n2);

        await cluster.AwaitAsync(
            () => n1.Logs.Entries.Any(e => e.Exception?.Message is { } m && m.Contains("bucket entries", StringComparison.Ordinal)
                && m.Contains("failed: injected failure of ReadBucketEntriesAsync", StringComparison.Ordinal)),
            "the entries read failed the coordinator, naming the read");
        await cluster.AwaitAsync(() => n1.CoordinatorStarts() == 2, "the coordinator started again");
        await cluster.AwaitSyncReadyAsync([n1]);
        await cluster.AwaitConvergedAsync([Tags], minCount: 1);
        Assert.Null(await n2.Host().Store.GetAsync(Tags, RecordKey.Parse("phantom")));
        Assert.True((await n1.PutAsync(Tags, "after", "2")).IsWritten);
        await cluster.AwaitConvergedAsync([Tags], minCount: 2);
        Assert.Single(n1.Logs.Entries, e => e.Message.Contains("/system/sync failed", StringComparison.Ordinal));
    }

    /// <summary>
    /// A read beside the turn started before the coordinator restarted (for another reason) and
    /// failing after it does not restart the coordinator a second time: the restart already reloaded
    /// what the coordinator knows, and the read's round is lost to it as it would be anyway. Regression:
    /// the late failure restarted the coordinator again.
    /// </summary>
    [Fact]
    public async Task A_read_started_before_a_coordinator_restart_that_fails_after_it_does_not_restart_it_again()
    {
        var (cluster, control) = await StartTwoComparingOftenAsync();
        await using var _ = cluster;
        var (n1, n2) = (cluster["n1"], cluster["n2"]);
        var entriesRead = control.HoldNext("ReadBucketEntriesAsync");
        try
        {
            await PlantPhantomAsync(n1, n2);
            await entriesRead.Made.WaitAsync(TimeSpan.FromSeconds(60));
            control.FailNext("SealAsync");
            await cluster.AwaitAsync(() => n1.CoordinatorStarts() == 2, "the coordinator started again after its seal failed");
        }
        finally
        {
            entriesRead.Fail(new IOException("injected failure of the held ReadBucketEntriesAsync"));
        }

        await cluster.AwaitAsync(
            () => n1.Logs.Entries.Any(e => e.Message.Contains("failed, but it was started before the coordinator last restarted", StringComparison.Ordinal)),
            "the late failure was logged, not acted on");
        await cluster.AwaitSyncReadyAsync([n1]);
        await cluster.AwaitConvergedAsync([Tags], minCount: 1);
        Assert.Null(await n2.Host().Store.GetAsync(Tags, RecordKey.Parse("phantom")));
        Assert.Equal(2, n1.CoordinatorStarts());
        Assert.Single(n1.Logs.Entries, e => e.Message.Contains("/system/sync failed", StringComparison.Ordinal));
    }

    /// <summary>
    /// Two nodes that compare digests every 500 ms (rounds time out after 2 s), n1's store behind a
    /// <see cref="FaultyStore"/>, converged on one record.
    /// </summary>
    private async Task<(MultiNodeCluster Cluster, FaultyStore Control)> StartTwoComparingOftenAsync()
    {
        var (cluster, control) = await StartWithFaultyN1Async(
            2,
            output,
            (o, _) =>
            {
                o.Sync.AntiEntropyInterval = TimeSpan.FromMilliseconds(500);
                o.Sync.AntiEntropyRoundTimeout = TimeSpan.FromSeconds(2);
            });
        try
        {
            await cluster.AwaitConvergenceAsync();
            await cluster.AwaitSyncReadyAsync();
            var before = (await cluster["n1"].PutAsync(Tags, "before", "1")).Written!.Stamp;
            await cluster.AwaitConvergedAsync([Tags], minCount: 1);

            // Rounds this frequent may bring the record to n2 as a repair, which moves no watermark:
            // wait for the stream too, so that n2's watermark of n1 covers the phantom planted below.
            var n2Store = cluster["n2"].Host().Store;
            await cluster.AwaitAsync(() => n2Store.ReadProgressAsync().GetAwaiter().GetResult().Applied[before.Origin] >= before.Hlc, "n2's watermark of n1 covers n1's write");
            return (cluster, control);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Puts into n2's store, behind its coordinator's back (as a bug or a restored backup would), a
    /// version of n1's that n2's watermark says it has seen but that n1 does not hold: no stream
    /// carries it, only a digest comparison finds it, and its repair is n2 deleting it.
    /// </summary>
    private static async Task PlantPhantomAsync(MultiNodeNode n1, MultiNodeNode n2)
    {
        var n1Origin = new OriginId(n1.Id, n1.Node.DataEpoch);
        var seen = (await n2.Host().Store.ReadProgressAsync()).Applied[n1Origin];
        var phantom = new RecordVersion(Tags, RecordKey.Parse("phantom"), CollectionKind.Shared, false, "\"ghost\"",
            new VersionStamp(Hlc.From(seen.PhysicalMs - 1, 0), n1Origin));
        await n2.Host().Store.ApplyRepairAsync([phantom], []);
    }
}

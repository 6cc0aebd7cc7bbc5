using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Options;
using PeerSync.Hosting.Sync;
using PeerSync.Remote.Addressing;
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
    /// n1's own side of a round (its entries of the differing buckets) is still being read when its
    /// coordinator restarts, and the restarted coordinator's first round waits for the same read when
    /// the old one completes. That late result pairs n2's entries from before the restart (phantom1
    /// only) with n1's: taken for the new round, it would repair from them and close the round, so the
    /// round's own result (phantom1 and phantom2) would be ignored and phantom2 left unpulled until a
    /// later round. The restarted coordinator drops it by its instance check (logged), and its round
    /// repairs both. Two guards stand in its way now: the instance check, and round ids that outlive
    /// a restart (the late result is of round 1, the waiting round is 2). With both removed this fails:
    /// the round repairs 1 record before its own result arrives. With only the instance check removed
    /// it fails only on the missing drop line: the machine then ignores the result itself
    /// (<see cref="A_peers_answer_to_a_round_from_before_a_coordinator_restart_is_not_taken_for_the_restarted_coordinators_round"/>
    /// covers the numbering).
    /// </summary>
    [Fact]
    public async Task A_comparison_read_started_before_a_coordinator_restart_is_not_taken_for_the_restarted_coordinators_round()
    {
        FaultyStore? control = null;
        HeldCall? staleRead = null;
        var holdAtStart = false;
        await using var cluster = await StartRoundsOnN1Async((node, store) =>
        {
            if (node.Index != 1)
            {
                return store;
            }

            // Every bucket entries read on n1 is its own side of one of its rounds.
            var wrapped = FaultyStore.Wrap(store, out var started);
            if (holdAtStart)
            {
                staleRead = started.HoldNext("ReadBucketEntriesAsync");
            }

            control = started;
            return wrapped;
        });
        var (n1, n2) = (cluster["n1"], cluster["n2"]);
        await StopN1AndPlantPhantom1Async(cluster);
        holdAtStart = true;
        await cluster.StartNodeAsync(n1);
        var roundRead = (HeldCall?)null;
        try
        {
            // n1's first round with n2 (round 1) has n2's entries of phantom1's bucket; n1's own are held.
            await staleRead!.Made.WaitAsync(TimeSpan.FromSeconds(60));
            await PlantUnstreamedAsync(n2, "phantom2");
            roundRead = control!.HoldNext("ReadBucketEntriesAsync");
            var starts = n1.CoordinatorStarts();
            control.FailNext("SealAsync");
            await cluster.AwaitAsync(() => n1.CoordinatorStarts() == starts + 1, "n1's coordinator started again after its seal failed");

            // The restarted coordinator's round 1 has n2's entries of both phantoms' buckets; n1's own are held.
            await roundRead.Made.WaitAsync(TimeSpan.FromSeconds(60));
            var mark = n1.Logs.Count;
            staleRead.Release();
            await cluster.AwaitAsync(
                () => n1.Logs.Since(mark).Any(e => IsStaleDrop(e.Message) || IsIgnoredByMachine(e.Message) || IsRoundWithN2(e.Message)),
                "n1 handled its side of the round read before the restart (dropped, ignored or taken)");
            var taken = n1.Logs.Since(mark).Where(e => IsRoundWithN2(e.Message)).Select(e => e.Message).ToList();
            Assert.True(taken.Count == 0, "the restarted coordinator took the result read before its restart for its own round: " + string.Join(" | ", taken));

            // The instance check dropped it: the result of the old instance's round 1 (the restarted instance numbers its rounds after it).
            Assert.Contains(n1.Logs.Since(mark), e => IsStaleDrop(e.Message) && e.Message.Contains("(EntriesReceived of round 1)", StringComparison.Ordinal));

            roundRead.Release();
            await cluster.AwaitAsync(() => n1.Logs.Since(mark).Any(e => IsRoundWithN2(e.Message)), "the restarted coordinator's round with n2 completed");
            var round = Assert.Single(n1.Logs.Since(mark), e => IsRoundWithN2(e.Message));
            Assert.Contains("2 record(s) repaired", round.Message, StringComparison.Ordinal);
        }
        finally
        {
            staleRead?.Release();
            roundRead?.Release();
        }

        Assert.NotNull(await n1.Host().Store.GetAsync(Tags, RecordKey.Parse("phantom1")));
        Assert.NotNull(await n1.Host().Store.GetAsync(Tags, RecordKey.Parse("phantom2")));
        await cluster.AwaitConvergedAsync([Tags], minCount: 3);
        Assert.Single(n1.Logs.Entries, e => e.Message.Contains("/system/sync failed", StringComparison.Ordinal));

        static bool IsStaleDrop(string message) => message.Contains("read for the coordinator instance before its last restart", StringComparison.Ordinal);
        static bool IsIgnoredByMachine(string message) => message.Contains("ignored an anti-entropy answer (EntriesReceived", StringComparison.Ordinal);
        static bool IsRoundWithN2(string message) => message.Contains("anti-entropy with n2:", StringComparison.Ordinal);
    }

    /// <summary>
    /// n2's answer to n1's first round (its entries of phantom1's bucket) is still being read when n1's
    /// coordinator restarts, and it reaches n1 while the restarted coordinator's first round waits at
    /// the same stage for n2's answer with phantom1 and phantom2. A peer's answer carries only the round
    /// id: had the restarted coordinator numbered its rounds from 1 again, it would take the old answer
    /// for its own, repair phantom1 alone and ignore its own answer, leaving phantom2 unpulled until a
    /// later round. Its rounds are numbered after the old one's, so it ignores the old answer (logged)
    /// and its round repairs both. On the code before round ids outlived a restart this failed: the
    /// round completed on the old answer with 1 record repaired.
    /// </summary>
    [Fact]
    public async Task A_peers_answer_to_a_round_from_before_a_coordinator_restart_is_not_taken_for_the_restarted_coordinators_round()
    {
        FaultyStore? n1Control = null;
        FaultyStore? n2Control = null;
        await using var cluster = await StartRoundsOnN1Async((node, store) =>
        {
            // Every bucket entries read on n2 answers one of n1's rounds.
            var wrapped = FaultyStore.Wrap(store, out var control);
            if (node.Index == 1)
            {
                n1Control = control;
            }
            else
            {
                n2Control = control;
            }

            return wrapped;
        });
        var (n1, n2) = (cluster["n1"], cluster["n2"]);
        await StopN1AndPlantPhantom1Async(cluster);
        var oldAnswer = n2Control!.HoldNext("ReadBucketEntriesAsync");
        var newAnswer = (HeldCall?)null;
        await cluster.StartNodeAsync(n1);
        try
        {
            // n1's first round with n2 asked for the entries of phantom1's bucket; n2's answer is held.
            await oldAnswer.Made.WaitAsync(TimeSpan.FromSeconds(60));
            await PlantUnstreamedAsync(n2, "phantom2");
            newAnswer = n2Control.HoldNext("ReadBucketEntriesAsync");
            var starts = n1.CoordinatorStarts();
            n1Control!.FailNext("SealAsync");
            await cluster.AwaitAsync(() => n1.CoordinatorStarts() == starts + 1, "n1's coordinator started again after its seal failed");

            // The restarted coordinator's first round asked for the entries of both phantoms' buckets; n2's answer is held.
            await newAnswer.Made.WaitAsync(TimeSpan.FromSeconds(60));
            var mark = n1.Logs.Count;
            oldAnswer.Release();
            await cluster.AwaitAsync(
                () => n1.Logs.Since(mark).Any(e => IsIgnoredEntries(e.Message) || IsRoundWithN2(e.Message)),
                "n1 handled n2's answer to the round before the restart (ignored or taken)");
            var taken = n1.Logs.Since(mark).Where(e => IsRoundWithN2(e.Message)).Select(e => e.Message).ToList();
            Assert.True(taken.Count == 0, "the restarted coordinator took n2's answer to a round before its restart for its own: " + string.Join(" | ", taken));

            // The old answer was for round 1, and arrived while the restarted coordinator's round 2 waited for its own.
            Assert.Contains(n1.Logs.Since(mark), e => IsIgnoredEntries(e.Message) && e.Message.Contains("(EntriesReceived of round 1)", StringComparison.Ordinal) && e.Message.Contains("(round 2 runs)", StringComparison.Ordinal));

            newAnswer.Release();
            await cluster.AwaitAsync(() => n1.Logs.Since(mark).Any(e => IsRoundWithN2(e.Message)), "the restarted coordinator's round with n2 completed");
            var round = Assert.Single(n1.Logs.Since(mark), e => IsRoundWithN2(e.Message));
            Assert.Contains("2 record(s) repaired", round.Message, StringComparison.Ordinal);
        }
        finally
        {
            oldAnswer.Release();
            newAnswer?.Release();
        }

        Assert.NotNull(await n1.Host().Store.GetAsync(Tags, RecordKey.Parse("phantom1")));
        Assert.NotNull(await n1.Host().Store.GetAsync(Tags, RecordKey.Parse("phantom2")));
        await cluster.AwaitConvergedAsync([Tags], minCount: 3);
        Assert.Single(n1.Logs.Entries, e => e.Message.Contains("/system/sync failed", StringComparison.Ordinal));

        static bool IsIgnoredEntries(string message) => message.Contains("ignored an anti-entropy answer (EntriesReceived", StringComparison.Ordinal);
        static bool IsRoundWithN2(string message) => message.Contains("anti-entropy with n2:", StringComparison.Ordinal);
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
    /// Two nodes, converged on one record, Debug logs captured, each store wrapped by
    /// <paramref name="wrapStore"/>. Only n1 runs anti-entropy rounds; they start only when a peer
    /// becomes available (no periodic one), and none times out in the test.
    /// </summary>
    private async Task<MultiNodeCluster> StartRoundsOnN1Async(Func<MultiNodeNode, IRecordStore, IRecordStore> wrapStore)
    {
        var cluster = await SyncTestCluster.StartAsync(
            2,
            output,
            (o, _) =>
            {
                o.Sync.AntiEntropyInterval = TimeSpan.FromHours(1);
                o.Sync.AntiEntropyRoundTimeout = TimeSpan.FromHours(1);
            },
            settings: node => new SyncComponentSettings
            {
                AntiEntropy = node.Index == 1,
                WrapStore = store => wrapStore(node, store),
            },
            captureLevel: LogLevel.Debug);
        try
        {
            await cluster.AwaitConvergenceAsync();
            await cluster.AwaitSyncReadyAsync();
            await cluster["n1"].PutAsync(Tags, "before", "1");
            await cluster.AwaitConvergedAsync([Tags], minCount: 1);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// While n1 is away, n2 gets a record no stream carries (phantom1): only a round of n1 finds it,
    /// and n1 pulls it. A graceful stop: with two members, the survivor cannot down a killed n1's old
    /// incarnation (a tie).
    /// </summary>
    private static async Task StopN1AndPlantPhantom1Async(MultiNodeCluster cluster)
    {
        await cluster.StopAsync(cluster["n1"]);
        await PlantUnstreamedAsync(cluster["n2"], "phantom1");
    }

    /// <summary>
    /// Puts into <paramref name="node"/>'s store a record of an origin no member has (n9, as from a
    /// restored backup of a node long gone): no node has a watermark of it, so no stream carries it,
    /// and a round of a peer that lacks it pulls it.
    /// </summary>
    private static async Task PlantUnstreamedAsync(MultiNodeNode node, string key)
    {
        // Just below the newest change the node has applied: recent, so no clock refuses it.
        var newest = (await node.Host().Store.ReadProgressAsync()).Applied.Max(w => w.Value);
        var record = new RecordVersion(Tags, RecordKey.Parse(key), CollectionKind.Shared, false, "\"ghost\"",
            new VersionStamp(Hlc.From(newest.PhysicalMs - 1, 0), new OriginId(NodeId.Parse("n9"), new DataEpoch(9))));
        await node.Host().Store.ApplyRepairAsync([record], []);
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

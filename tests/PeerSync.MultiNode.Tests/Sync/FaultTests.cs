using PeerSync.Hosting.Options;
using PeerSync.Sync.Peers;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;
using static PeerSync.MultiNode.Tests.Sync.SyncTestCluster;

namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>Replication under link faults.</summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private static void SlowDowning(PeerSyncOptions o, int _) => o.Cluster.Downing.StableAfter = TimeSpan.FromSeconds(60);

    /// <summary>
    /// n3 is blackholed (its connections stay open and silent). n1 and n2 keep replicating between
    /// themselves: they converge while n3 is cut off, n3's machines hold at most their in-flight
    /// bound, and after healing n3 catches up.
    /// </summary>
    [Fact]
    public async Task A_blackholed_peer_does_not_hold_up_the_others_and_catches_up_after_healing()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output, SlowDowning);
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);

        cluster.Blackhole(n1, n3);
        cluster.Blackhole(n2, n3);
        await cluster.AwaitUnreachableAsync(n3, [n1, n2]);
        var started = cluster.Elapsed;
        await CatchUpTests.WriteAsync(n1, 0, 1500);
        await cluster.AwaitConvergedAsync([Tags], [n1, n2], minCount: 1500);
        cluster.Note($"n1 and n2 converged {(cluster.Elapsed - started).TotalMilliseconds:0} ms after the blackhole, with 1500 changes");
        Assert.True((await n3.Host().Store.GetCollectionDigestAsync(Tags)).Count < 1500);
        var towardsN3 = n1.Host().Peers().Single(p => p.Peer == n3.Id);
        Assert.InRange(towardsN3.InFlightBatches, 0, n1.Options.Sync.MaxInFlightBatches);

        cluster.HealAll();
        await cluster.AwaitConvergedAsync([Tags], minCount: 1500, timeout: TimeSpan.FromSeconds(60));
        // n3 may converge through n2 before n1's own session with n3 has finished its hello.
        await cluster.AwaitAsync(() => n1.Host().Peers().Any(p => p.Peer == n3.Id && p.Phase == PeerPhase.Active), "n1's sync session with n3 is active again");
    }

    /// <summary>n1 and n3 cannot reach each other, n2 reaches both: n1's changes reach n3 through n2 (forwarded after `forward-delay`).</summary>
    [Fact]
    public async Task Changes_reach_a_node_transitively_through_a_peer_while_their_origin_is_unreachable()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output, SlowDowning);
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);

        cluster.Blackhole(n1, n3);
        await cluster.AwaitUnreachableAsync(n1, [n3]);
        await CatchUpTests.WriteAsync(n1, 0, 200);
        await cluster.AwaitConvergedAsync([Tags], minCount: 200);

        Assert.Contains(n2.Logs.Entries, e => e.Message.Contains("forwarding the stream of n1", StringComparison.Ordinal) && e.Message.Contains("to n3", StringComparison.Ordinal));
    }

    /// <summary>
    /// The store fails under the coordinator (an I/O error while sealing): the coordinator is
    /// restarted by its supervisor, reloads its progress from the store, keeps its peer actors, and
    /// the node goes on writing and replicating.
    /// </summary>
    [Fact]
    public async Task A_store_failure_restarts_the_coordinator_and_replication_goes_on()
    {
        var (cluster, control) = await StartWithFaultyN1Async(2, output);
        await using var _ = cluster;
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n2) = (cluster["n1"], cluster["n2"]);
        await n1.PutAsync(Tags, "before", "1");
        await cluster.AwaitConvergedAsync([Tags], minCount: 1);

        control.FailNext("SealAsync");
        await cluster.AwaitAsync(() => n1.Logs.Entries.Any(e => e.Message.Contains("injected failure of SealAsync", StringComparison.Ordinal) || (e.Exception?.Message.Contains("injected failure", StringComparison.Ordinal) ?? false)), "the coordinator failed");
        await cluster.AwaitAsync(() => n1.CoordinatorStarts() == 2, "the coordinator started again");
        await cluster.AwaitSyncReadyAsync([n1]);
        Assert.True((await n1.PutAsync(Tags, "after", "2")).IsWritten);
        Assert.True((await n2.PutAsync(Tags, "from-n2", "3")).IsWritten);

        await cluster.AwaitConvergedAsync([Tags], minCount: 3);
        Assert.Single(n1.Logs.Entries, e => e.Message.Contains("/system/sync failed", StringComparison.Ordinal));
    }

    /// <summary>
    /// n1 reads the snapshot pages a backfilling n2 asks for beside its coordinator's turn: while n1's
    /// store is still reading a page (held here: awaiting, or blocking its thread as a SQLite read
    /// does), n1 goes on committing local writes, and n2 finishes its backfill once the read completes.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_snapshot_page_being_read_for_a_backfilling_peer_does_not_hold_up_local_writes(bool readBlocksItsThread)
    {
        var (cluster, control) = await StartOnlyN1WithOneRecordAsync();
        await using var _ = cluster;
        var (n1, n2) = (cluster["n1"], cluster["n2"]);
        var pageRead = readBlocksItsThread ? control.BlockNext("ReadSnapshotPageAsync") : control.HoldNext("ReadSnapshotPageAsync");
        try
        {
            await cluster.StartNodeAsync(n2);
            await pageRead.Made.WaitAsync(TimeSpan.FromSeconds(60));

            // Bounded only so that a coordinator stuck behind the read fails the test instead of hanging it.
            var during = await n1.PutAsync(Tags, "during", "2").WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(during.IsWritten);
        }
        finally
        {
            pageRead.Release();
        }

        await cluster.AwaitSyncReadyAsync([n2], TimeSpan.FromSeconds(60));
        await cluster.AwaitConvergedAsync([Tags], minCount: 2);
    }

    /// <summary>
    /// A snapshot page read that fails (beside the coordinator's turn) restarts the coordinator, as
    /// a failed store call on its turn does; the backfilling peer asks again and finishes.
    /// </summary>
    [Fact]
    public async Task A_failed_snapshot_page_read_restarts_the_coordinator_and_the_backfill_completes()
    {
        var (cluster, control) = await StartOnlyN1WithOneRecordAsync();
        await using var _ = cluster;
        var (n1, n2) = (cluster["n1"], cluster["n2"]);
        control.FailNext("ReadSnapshotPageAsync");

        await cluster.StartNodeAsync(n2);

        await cluster.AwaitAsync(() => n1.Logs.Entries.Any(e => e.Exception?.Message.Contains("reading a snapshot page for a backfilling peer failed: injected failure of ReadSnapshotPageAsync", StringComparison.Ordinal) ?? false), "the page read failed the coordinator");
        await cluster.AwaitSyncReadyAsync([n2], TimeSpan.FromSeconds(60));
        await cluster.AwaitConvergedAsync([Tags], minCount: 1);
        Assert.Single(n1.Logs.Entries, e => e.Message.Contains("/system/sync failed", StringComparison.Ordinal));
    }

    /// <summary>
    /// Two nodes with n1's store behind a <see cref="FaultyStore"/>; only n1 is started (ready,
    /// holding one record), so n2 backfills from it once the test starts n2.
    /// </summary>
    private async Task<(MultiNodeCluster Cluster, FaultyStore Control)> StartOnlyN1WithOneRecordAsync()
    {
        FaultyStore? control = null;
        var cluster = await SyncTestCluster.StartAsync(2, output, SlowDowning, start: false, settings: node => new PeerSync.Hosting.Sync.SyncComponentSettings
        {
            WrapStore = node.Index == 1 ? store => FaultyStore.Wrap(store, out control) : null,
        });
        try
        {
            var n1 = cluster["n1"];
            await cluster.StartNodeAsync(n1);
            await cluster.AwaitSyncReadyAsync([n1]);
            await n1.PutAsync(Tags, "before", "1");
            return (cluster, control!);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }
}

using PeerSync.Hosting.Api;
using PeerSync.Hosting.Options;
using PeerSync.Sync.Backfill;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;
using static PeerSync.MultiNode.Tests.Sync.SyncTestCluster;

namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>New and wiped nodes take a paged snapshot (backfill) from a peer, checkpointed per page.</summary>
public sealed class BackfillTests(ITestOutputHelper output)
{
    private const int Records = 100_000;
    private const int PageSize = 1000;

    // Small pages make the snapshot long enough to kill in the middle; the settle gives a joining
    // node time to hear from its peers before it could decide it is alone.
    private static void BackfillSettings(PeerSyncOptions o, int _)
    {
        o.Sync.BackfillPageSize = PageSize;
        o.Sync.CatchUpSettle = TimeSpan.FromSeconds(5);
        o.Cluster.Downing.StableAfter = TimeSpan.FromSeconds(60);
    }

    /// <summary>
    /// An empty n3 joins n1 and n2 holding 100 000 records: it is not ready (writes refused) while
    /// it backfills; killed in the middle and restarted, it resumes after its last checkpointed page
    /// (the sources serve few pages twice), then converges and becomes ready.
    /// </summary>
    [Fact]
    public async Task A_new_empty_node_backfills_resumes_from_its_checkpoint_after_a_kill_and_is_not_ready_until_done()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output, BackfillSettings, start: false);
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);
        await cluster.StartNodeAsync(n1);
        await cluster.StartNodeAsync(n2);
        await cluster.AwaitMembersUpAsync(2, [n1, n2]);
        await cluster.AwaitSyncReadyAsync([n1, n2]);
        await WriteManyAsync(n1, Records);
        await cluster.AwaitConvergedAsync([Tags], [n1, n2], minCount: Records);

        await cluster.StartNodeAsync(n3);
        await cluster.AwaitAsync(() => n3.Host().Snapshot.BackfillPages >= 20, "n3 applied 20 pages");
        Assert.False(n3.Sync().IsReady);
        Assert.Equal(BackfillPhase.Backfilling, n3.Sync().State);
        await Assert.ThrowsAsync<NodeNotReadyException>(() => n3.Sync().Records.PutAsync("tags", "early", "1", CancellationToken.None));
        await cluster.KillAsync(n3);
        var servedBefore = Served(n1) + Served(n2);

        await cluster.StartNodeAsync(n3);
        await cluster.AwaitSyncReadyAsync([n3], TimeSpan.FromSeconds(90));
        await cluster.AwaitConvergedAsync([Tags], minCount: Records);

        var servedAfter = Served(n1) + Served(n2) - servedBefore;
        const int allPages = (Records / PageSize) + 1;
        cluster.Note($"sources served {servedBefore} pages before the kill and {servedAfter} after it ({allPages} in all)");
        Assert.True(servedAfter < allPages - 15, $"the restarted node fetched {servedAfter} of {allPages} pages again");
        Assert.Contains(n3.Logs.Entries, e => e.Message.Contains("resuming the snapshot", StringComparison.Ordinal));
        Assert.True((await n3.PutAsync(Tags, "after", "1")).IsWritten);
    }

    /// <summary>n3 loses its data dir but keeps its id: peers see a new data epoch and n3 takes everything again, its own old writes included.</summary>
    [Fact]
    public async Task A_peer_that_wiped_its_data_but_kept_its_id_is_detected_and_fully_resynced()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output, BackfillSettings);
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n3) = (cluster["n1"], cluster["n3"]);
        await WriteManyAsync(n1, 2000);
        await n3.PutAsync(Tags, "written-by-n3", "1");
        await cluster.AwaitConvergedAsync([Tags], minCount: 2001);
        var oldEpoch = n3.Node.DataEpoch;

        await cluster.KillAsync(n3);
        Directory.Delete(n3.DataDirectory, recursive: true);
        await cluster.StartNodeAsync(n3);
        await cluster.AwaitSyncReadyAsync([n3], TimeSpan.FromSeconds(60));
        await cluster.AwaitConvergedAsync([Tags], minCount: 2001);

        Assert.NotEqual(oldEpoch, n3.Node.DataEpoch);
        Assert.Contains(n1.Logs.Entries, e => e.Message.Contains("n3 wiped its data", StringComparison.Ordinal));
        Assert.NotNull(await n3.Host().Store.GetAsync(Tags, PeerSync.Sync.Records.RecordKey.Parse("written-by-n3")));
    }

    private static long Served(MultiNodeNode node) => node.Host().Snapshot.PagesServed;

    private static async Task WriteManyAsync(MultiNodeNode node, int count)
    {
        const int writers = 64;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < count; i += writers)
            {
                await node.PutAsync(Tags, $"r{i:D6}", $"{{\"i\":{i}}}");
            }
        })));
    }
}

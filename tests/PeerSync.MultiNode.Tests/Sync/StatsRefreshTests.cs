using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;
using static PeerSync.MultiNode.Tests.Sync.SyncTestCluster;

namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>
/// The counts behind a node's status (records, log entries, each peer's queue), refreshed every
/// prune interval, are read beside the sync coordinator's turn.
/// </summary>
public sealed class StatsRefreshTests(ITestOutputHelper output)
{
    /// <summary>
    /// Counting n1's log blocks its thread in the store, as counting a long log in SQLite does: n1
    /// still commits a local write meanwhile, and once the count is released the stats catch up.
    /// Regression: the count ran on the coordinator's turn, so the write waited behind it.
    /// </summary>
    [Fact]
    public async Task A_log_count_held_in_the_store_does_not_hold_up_local_writes()
    {
        var (cluster, control) = await StartTwoAsync();
        await using var _ = cluster;
        var n1 = cluster["n1"];
        var count = control.BlockNext("CountLogEntriesAsync");
        try
        {
            await count.Made.WaitAsync(TimeSpan.FromSeconds(60));

            // Bounded only so that a coordinator stuck behind the count fails the test instead of hanging it.
            var during = await n1.PutAsync(Tags, "during", "1").WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(during.IsWritten);
        }
        finally
        {
            count.Release();
        }

        await cluster.AwaitAsync(() => n1.Host().Snapshot.Records == 1, "n1's stats count the record written while the count was held");
    }

    /// <summary>A failed count restarts the coordinator with a message naming the refresh, as a failed store call on its turn does.</summary>
    [Fact]
    public async Task A_failed_log_count_restarts_the_coordinator_naming_the_stats_refresh()
    {
        var (cluster, control) = await StartTwoAsync();
        await using var _ = cluster;
        var n1 = cluster["n1"];
        control.FailNext("CountLogEntriesAsync");

        await cluster.AwaitAsync(
            () => n1.Logs.Entries.Any(e => e.Exception?.Message is { } m
                && m.Contains("the stats refresh failed: injected failure of CountLogEntriesAsync", StringComparison.Ordinal)),
            "the count failed the coordinator, naming the stats refresh");

        // The failure is logged before the restart begins: until the new instance has started,
        // the node may still show the old instance's Ready.
        await cluster.AwaitAsync(
            () => n1.CoordinatorStarts() == 2,
            "the coordinator started again");
        await cluster.AwaitSyncReadyAsync([n1]);
        Assert.True((await n1.PutAsync(Tags, "after", "1")).IsWritten);
        await cluster.AwaitConvergedAsync([Tags], minCount: 1);
    }

    /// <summary>Two nodes, n1's store behind a <see cref="FaultyStore"/>, sync ready.</summary>
    private async Task<(MultiNodeCluster Cluster, FaultyStore Control)> StartTwoAsync()
    {
        var (cluster, control) = await StartWithFaultyN1Async(2, output);
        try
        {
            await cluster.AwaitConvergenceAsync();
            await cluster.AwaitSyncReadyAsync();
            return (cluster, control);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }
}

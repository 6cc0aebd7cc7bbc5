using PeerSync.Sync.Backfill;
using PeerSync.Sync.Records;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;
using static PeerSync.MultiNode.Tests.Sync.SyncTestCluster;

namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>A peer that was away (killed, then restarted on its data dir) catches up from its watermarks.</summary>
public sealed class CatchUpTests(ITestOutputHelper output)
{
    // Downing waits longer than these tests keep a node away: the peer stays a member and its
    // queue (its acknowledgements) stays, which is the incremental path under test. Ten minutes,
    // not one: on a loaded machine writing the 10 000 changes kept n3 away for 139 s, so it was
    // downed and removed, the peers pruned their logs, and it came back to a snapshot instead.
    private static void SlowDowning(PeerSync.Hosting.Options.PeerSyncOptions o, int _) => o.Cluster.Downing.StableAfter = TimeSpan.FromMinutes(10);

    /// <summary>
    /// n3 holds the first 1 000 changes, is killed while 10 000 more are written (on n1 and n2), and
    /// comes back: it receives the 10 000 it lacks (forwarding may duplicate a few, never the whole
    /// set), takes no snapshot, and converges.
    /// </summary>
    [Fact]
    public async Task A_peer_killed_while_changes_are_written_catches_up_incrementally_on_restart()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output, SlowDowning);
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);
        await WriteAsync(n1, 0, 1000);
        await cluster.AwaitConvergedAsync([Tags], minCount: 1000);

        await cluster.KillAsync(n3);
        await WriteAsync(n1, 1000, 7000);
        await WriteAsync(n2, 8000, 3000);
        await cluster.AwaitConvergedAsync([Tags], [n1, n2], minCount: 11_000);
        var logsBeforeRestart = n3.Logs.Entries.Count; // the first run may have backfilled at start
        await cluster.RestartAsync(n3);
        await cluster.AwaitSyncReadyAsync([n3]);

        // Not ready until caught up: once it says Ready it holds everything its peers had.
        Assert.Equal(11_000, (await n3.Host().Store.GetCollectionDigestAsync(Tags)).Count);
        await cluster.AwaitConvergedAsync([Tags], minCount: 11_000);

        var received = n3.Host().Snapshot.ChangesReceived;
        cluster.Note($"n3 received {received} changes after its restart (it lacked 10000)");
        Assert.InRange(received, 10_000, 15_000);
        Assert.Equal(0, n3.Host().Snapshot.BackfillPages);
        Assert.DoesNotContain(n3.Logs.Since(logsBeforeRestart), e => e.Message.Contains("-> Backfilling", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_delete_made_while_a_peer_is_offline_stays_deleted_after_it_returns()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output, SlowDowning);
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n3) = (cluster["n1"], cluster["n3"]);
        await n1.PutAsync(Tags, "doomed", "{\"v\":1}");
        await n3.PutAsync(Locations, "mine", "{\"v\":1}");
        await cluster.AwaitConvergedAsync([Tags, Locations], minCount: 1);

        await cluster.KillAsync(n3);
        Assert.True((await n1.DeleteAsync(Tags, "doomed")).IsWritten);
        await cluster.RestartAsync(n3);
        await cluster.AwaitSyncReadyAsync([n3]);
        await cluster.AwaitConvergedAsync([Tags, Locations]);

        foreach (var node in cluster.Nodes)
        {
            Assert.Null(await node.Host().Store.GetAsync(Tags, RecordKey.Parse("doomed")));
            Assert.NotNull(await node.Host().Store.GetAsync(Locations, RecordKey.Parse("mine")));
        }

        Assert.Equal(BackfillPhase.Ready, n3.Sync().State);
    }

    /// <summary>
    /// The full resync path: n3 is away while a record is deleted, then removed; the logs and the
    /// tombstone are pruned (short retention), so when n3 comes back its watermarks are below the
    /// peers' floors and it takes a snapshot, in which the record's absence, covered by the
    /// snapshot's watermarks, deletes its stale copy.
    /// </summary>
    [Fact]
    public async Task A_delete_stays_deleted_when_the_peer_returns_after_the_log_and_tombstones_were_pruned()
    {
        await using var cluster = await SyncTestCluster.StartAsync(
            3,
            output,
            (o, _) =>
            {
                SlowDowning(o, 0);
                o.Sync.RetiredOriginRetention = TimeSpan.FromSeconds(1);
                o.Sync.RetireAfterRemoval = TimeSpan.FromSeconds(1);
            });
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);
        await n1.PutAsync(Tags, "doomed", "{\"v\":1}");
        await WriteAsync(n1, 0, 100);
        await cluster.AwaitConvergedAsync([Tags], minCount: 101);

        await cluster.KillAsync(n3);
        Assert.True((await n1.DeleteAsync(Tags, "doomed")).IsWritten);
        await WriteAsync(n2, 100, 100);
        n1.Cluster.Down(n3.Id);
        await cluster.AwaitRemovedAsync(n3, [n1, n2]);
        await cluster.AwaitAsync(
            () => new[] { n1, n2 }.All(n => n.Host().Store.CountTombstonesAsync().GetAwaiter().GetResult() == 0 && n.Host().Store.CountLogEntriesAsync().GetAwaiter().GetResult() == 0),
            "logs and tombstones pruned on n1 and n2");

        await cluster.StartNodeAsync(n3);
        await cluster.AwaitSyncReadyAsync([n3]);
        await cluster.AwaitConvergedAsync([Tags], minCount: 200);

        foreach (var node in cluster.Nodes)
        {
            Assert.Null(await node.Host().Store.GetAsync(Tags, RecordKey.Parse("doomed")));
        }

        Assert.Contains(n3.Logs.Entries, e => e.Message.Contains("-> Backfilling", StringComparison.Ordinal));
    }

    internal static async Task WriteAsync(MultiNodeNode node, int from, int count)
    {
        // Concurrent writers, so the coordinator commits in groups (as under real load).
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = from + w; i < from + count; i += 8)
            {
                Assert.True((await node.PutAsync(Tags, $"k{i:D6}", $"{{\"i\":{i},\"by\":\"{node.Id}\"}}")).IsWritten);
            }
        })));
    }
}

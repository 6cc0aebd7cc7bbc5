using PeerSync.Hosting.Options;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;
using static PeerSync.MultiNode.Tests.Sync.SyncTestCluster;

namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>Change logs are pruned by acknowledgement: drained with everyone up, held for exactly what an absent member lacks, released when it is removed.</summary>
public sealed class PruningTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Logs_drain_with_all_peers_up_hold_exactly_what_an_offline_peer_lacks_and_prune_once_it_is_removed()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output, (o, _) =>
        {
            o.Cluster.Downing.StableAfter = TimeSpan.FromSeconds(60);
            o.Sync.RetireAfterRemoval = TimeSpan.FromSeconds(2);
        });
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);

        await CatchUpTests.WriteAsync(n1, 0, 500);
        await cluster.AwaitConvergedAsync([Tags], minCount: 500);
        await AwaitLogsAsync(cluster, [n1, n2, n3], 0, "every log drained with all peers up");

        await cluster.KillAsync(n3);
        await CatchUpTests.WriteAsync(n1, 500, 300);
        await cluster.AwaitConvergedAsync([Tags], [n1, n2], minCount: 800);
        await AwaitLogsAsync(cluster, [n1, n2], 300, "the logs hold exactly the 300 changes n3 lacks");

        n1.Cluster.Down(n3.Id);
        await cluster.AwaitRemovedAsync(n3, [n1, n2]);
        await AwaitLogsAsync(cluster, [n1, n2], 0, "the logs pruned once n3 was removed");
    }

    private static async Task AwaitLogsAsync(MultiNodeCluster cluster, MultiNodeNode[] nodes, long expected, string what)
    {
        var counts = "";
        await cluster.AwaitAsync(
            () =>
            {
                var values = nodes.Select(n => n.Host().Store.CountLogEntriesAsync().GetAwaiter().GetResult()).ToList();
                counts = string.Join(", ", nodes.Zip(values, (n, v) => $"{n.Id}={v}"));
                return values.All(v => v == expected);
            },
            what);
        cluster.Note($"{what}: {counts}");
    }
}

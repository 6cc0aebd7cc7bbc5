using PeerSync.Hosting.Sync;
using PeerSync.Sync.Records;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;
using static PeerSync.MultiNode.Tests.Sync.SyncTestCluster;

namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>Hybrid logical clocks between real nodes whose wall clocks disagree.</summary>
public sealed class ClockTests(ITestOutputHelper output)
{
    /// <summary>
    /// n2's wall clock is 5 s behind. It reads n1's write, then overwrites it: the HLC receive rule
    /// puts its write after the one it saw, so it wins everywhere (with physical time alone it would lose).
    /// </summary>
    [Fact]
    public async Task A_node_whose_clock_is_5s_behind_overwrites_a_write_it_saw_and_its_write_wins_everywhere()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output, settings: node =>
            new SyncComponentSettings { PhysicalClock = node.Index == 2 ? new SkewedTimeProvider(TimeSpan.FromSeconds(-5)) : null });
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n2) = (cluster["n1"], cluster["n2"]);

        await n1.PutAsync(Tags, "k", "\"from-n1\"");
        await cluster.AwaitAsync(() => n2.Host().Store.GetAsync(Tags, RecordKey.Parse("k")).GetAwaiter().GetResult() is not null, "n2 read n1's write");
        var overwrite = await n2.PutAsync(Tags, "k", "\"from-n2\"");
        Assert.True(overwrite.IsWritten);
        await cluster.AwaitConvergedAsync([Tags], minCount: 1);

        foreach (var node in cluster.Nodes)
        {
            var record = await node.Host().Store.GetAsync(Tags, RecordKey.Parse("k"));
            Assert.Equal("\"from-n2\"", record!.Value);
            Assert.Equal(overwrite.Written!.Stamp, record.Stamp);
        }
    }

    /// <summary>
    /// n3's wall clock is a year ahead. Its changes are refused by the others (counted, logged), who
    /// never adopt its clock: their HLC stays near their own time.
    /// </summary>
    [Fact]
    public async Task A_remote_hlc_a_year_ahead_is_rejected_and_the_receivers_clock_does_not_move()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output, settings: node =>
            new SyncComponentSettings { PhysicalClock = node.Index == 3 ? new SkewedTimeProvider(TimeSpan.FromDays(365)) : null });
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n3) = (cluster["n1"], cluster["n3"]);

        Assert.True((await n3.PutAsync(Tags, "future", "1")).IsWritten);
        await cluster.AwaitAsync(() => n1.Host().Snapshot.ClockRejections > 0 && cluster["n2"].Host().Snapshot.ClockRejections > 0, "n1 and n2 refuse n3's changes");
        await n1.PutAsync(Tags, "present", "2");

        var horizon = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds();
        foreach (var node in new[] { n1, cluster["n2"] })
        {
            Assert.True(node.Host().Snapshot.ClockLast.PhysicalMs < horizon, $"{node.Id}'s clock moved to {node.Host().Snapshot.ClockLast}");
            Assert.Null(await node.Host().Store.GetAsync(Tags, RecordKey.Parse("future")));
        }

        Assert.Contains(n1.Logs.Entries, e => e.Message.Contains("ahead of the local clock", StringComparison.Ordinal) && e.Message.Contains("n3", StringComparison.Ordinal));
    }
}

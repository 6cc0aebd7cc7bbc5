using System.Globalization;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Tests.Simulation;

/// <summary>Scenarios on the deterministic multi-replica simulation (the machines and in-memory stores).</summary>
public sealed class SimulationScenarioTests
{
    private static SimCluster Cluster(ulong seed, params string[] names)
    {
        var cluster = new SimCluster(seed, names.Length == 0 ? ["n1", "n2", "n3"] : names, SimCheck.Config());
        cluster.StartAll();
        cluster.RunFor(1000);
        Assert.All(SimCheck.Live(cluster), n => Assert.Equal(BackfillPhase.Ready, n.Backfill.Phase));
        return cluster;
    }

    private static string Json(int i) => i.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Simulation_converges_on_one_last_writer_when_three_nodes_write_the_same_keys()
    {
        var cluster = Cluster(1);
        for (var i = 0; i < 30; i++)
        {
            foreach (var node in new[] { "n1", "n2", "n3" })
            {
                cluster.Write(node, "tags", $"k{i % 5}", $"\"{node}-{i}\"");
            }

            cluster.RunFor(7);
        }

        Assert.Equal(90, cluster.AcknowledgedWrites.Count);
        SimCheck.Settle(cluster);
        SimCheck.Converged(cluster);
        foreach (var node in SimCheck.Live(cluster))
        {
            SimCheck.HoldsAcknowledgedWrites(cluster, node);
        }
    }

    [Fact]
    public void Simulation_lets_a_node_whose_clock_is_5s_behind_overwrite_what_it_read()
    {
        // n3's physical clock is 5 s behind. It reads n1's write (its clock receives the HLC) and
        // overwrites it: its write must sort after the one it saw, and win everywhere.
        var cluster = Cluster(2);
        cluster["n3"].ClockSkewMs = -5000;
        cluster.Write("n1", "tags", "doc", "\"from n1\"");
        SimCheck.Settle(cluster);
        Assert.Equal("\"from n1\"", Sim.Run(cluster["n3"].Store.GetAsync(SimCheck.Tags, RecordKey.Parse("doc")))!.Value);

        var overwrite = cluster.Write("n3", "tags", "doc", "\"from n3\"");
        Assert.NotNull(overwrite);
        SimCheck.Settle(cluster);
        foreach (var node in SimCheck.Live(cluster))
        {
            Assert.Equal("\"from n3\"", Sim.Run(node.Store.GetAsync(SimCheck.Tags, RecordKey.Parse("doc")))!.Value);
        }
    }

    [Fact]
    public void Simulation_rejects_a_peer_clock_one_year_ahead_without_moving_the_local_clock()
    {
        var cluster = Cluster(3);
        cluster["n2"].ClockSkewMs = 365L * 24 * 3600 * 1000;
        var before = cluster["n1"].Clock.Last;
        cluster.Write("n2", "tags", "future", "1");
        cluster.RunFor(3000);
        Assert.True(cluster["n1"].ClockRejections > 0);
        Assert.True(cluster["n1"].Clock.Last.PhysicalMs < cluster.NowMs + 60_000, "the clock adopted a value from the future");
        Assert.True(cluster["n1"].Clock.Last >= before);
        Assert.Null(Sim.Run(cluster["n1"].Store.GetAsync(SimCheck.Tags, RecordKey.Parse("future"))));
    }
}

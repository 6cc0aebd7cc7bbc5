using System.Globalization;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Tests.Simulation;

/// <summary>Delivery scenarios: transitivity, offline catch-up, pruning, blackholes.</summary>
public sealed class SimulationDeliveryTests
{
    private static SimCluster Cluster(ulong seed, params string[] names)
    {
        var cluster = new SimCluster(seed, names.Length == 0 ? ["n1", "n2", "n3"] : names, SimCheck.Config()) { KeepTrace = true };
        cluster.StartAll();
        cluster.RunFor(1000);
        Assert.All(SimCheck.Live(cluster), n => Assert.Equal(BackfillPhase.Ready, n.Backfill.Phase));
        return cluster;
    }

    private static string Value(int i) => i.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Simulation_delivers_changes_transitively_while_their_origin_is_away()
    {
        // n1 and n3 cannot talk; n3 still gets n1's changes, forwarded by n2.
        var cluster = Cluster(10);
        cluster.Partition("n1", "n3");
        cluster.RunFor(100);
        for (var i = 0; i < 50; i++)
        {
            cluster.Write("n1", "tags", $"t{i}", Value(i));
        }

        cluster.Write("n1", "places", "home", "{\"lat\":1}");
        cluster.RunFor(5000);
        Assert.True(cluster.Network.IsBlocked(cluster["n1"].Id, cluster["n3"].Id));
        SimCheck.HoldsAcknowledgedWrites(cluster, cluster["n3"]);
        Assert.Contains(cluster.TraceLines, l => l.Contains("n2->n3 ForwardingStarted", StringComparison.Ordinal));
    }

    [Fact]
    public void Simulation_catches_up_a_peer_offline_for_10000_changes_incrementally()
    {
        var cluster = Cluster(11);
        for (var i = 0; i < 2000; i++)
        {
            cluster.Write("n1", "tags", $"before{i}", Value(i));
        }

        SimCheck.Settle(cluster);
        cluster.Isolate("n3");
        cluster.RunFor(100);
        for (var i = 0; i < 10_000; i++)
        {
            cluster.Write("n1", "tags", $"k{i % 4000}", Value(i));
            if (i % 500 == 0)
            {
                cluster.RunFor(20);
            }
        }

        var receivedBefore = cluster["n3"].ChangesReceived;
        SimCheck.Settle(cluster);
        var received = cluster["n3"].ChangesReceived - receivedBefore;

        // Only what it lacked: the 10 000 new changes (and some duplicates of them from a forwarder),
        // never a restart from zero (which would resend the 2000 it had).
        Assert.InRange(received, 10_000, 11_999);
        Assert.True(cluster["n3"].Backfill.PagesApplied == 0, string.Join("\n", cluster.TraceLines.Where(l => l.Contains("backfill", StringComparison.Ordinal) || l.Contains("Behind", StringComparison.Ordinal)).Take(20)));
        Assert.Equal(BackfillPhase.Ready, cluster["n3"].Backfill.Phase);
        SimCheck.Converged(cluster);
        SimCheck.HoldsAcknowledgedWrites(cluster, cluster["n3"]);
    }

    [Fact]
    public void Simulation_log_drains_with_all_peers_up_holds_what_an_offline_peer_lacks_and_prunes_once_it_is_removed()
    {
        var cluster = Cluster(12);
        for (var i = 0; i < 100; i++)
        {
            cluster.Write("n1", "tags", $"a{i}", Value(i));
        }

        SimCheck.Settle(cluster);
        cluster.RunFor(3000);
        foreach (var node in SimCheck.Live(cluster))
        {
            Assert.Equal(0, Sim.Run(node.Store.CountLogEntriesAsync()));
        }

        // n3 goes away (still a member): the log keeps exactly what it lacks.
        cluster.Isolate("n3");
        cluster.RunFor(100);
        for (var i = 0; i < 80; i++)
        {
            cluster.Write("n1", "tags", $"b{i}", Value(i));
        }

        cluster.RunFor(4000);
        var n1Origin = cluster["n1"].SelfOrigin;
        var n3Has = cluster["n3"].LocalState().Applied[n1Origin];
        var lacking = cluster.AcknowledgedWrites.Count(w => w.Stamp.Origin == n1Origin && w.Stamp.Hlc > n3Has);
        Assert.Equal(80, lacking);
        Assert.Equal(lacking, Sim.Run(cluster["n1"].Store.CountLogEntriesAsync(n1Origin)));
        Assert.Equal(lacking, Sim.Run(cluster["n2"].Store.CountLogEntriesAsync(n1Origin)));

        cluster.RemoveMember("n3");
        cluster.RunFor(3000);
        Assert.Equal(0, Sim.Run(cluster["n1"].Store.CountLogEntriesAsync()));
        Assert.Equal(0, Sim.Run(cluster["n2"].Store.CountLogEntriesAsync()));
    }

    [Fact]
    public void Simulation_keeps_the_log_bounded_under_steady_traffic_with_all_peers_up()
    {
        // 20 writes per second per node for 20 s (1200 changes in all): the log never holds more
        // than about the last second or two of them, because acknowledgements keep pruning it.
        var cluster = Cluster(14);
        long largest = 0;
        for (var second = 0; second < 20; second++)
        {
            for (var i = 0; i < 20; i++)
            {
                foreach (var node in new[] { "n1", "n2", "n3" })
                {
                    cluster.Write(node, "tags", $"{node}-{second}-{i}", Value(i));
                }

                cluster.RunFor(50);
            }

            largest = Math.Max(largest, SimCheck.Live(cluster).Max(n => Sim.Run(n.Store.CountLogEntriesAsync())));
        }

        Assert.Equal(1200, cluster.AcknowledgedWrites.Count);
        Assert.InRange(largest, 1, 200);
        SimCheck.Settle(cluster);
        cluster.RunFor(3000);
        Assert.All(SimCheck.Live(cluster), n => Assert.Equal(0, Sim.Run(n.Store.CountLogEntriesAsync())));
    }

    [Fact]
    public void Simulation_does_not_let_a_blackholed_peer_slow_the_others()
    {
        var cluster = Cluster(13, "n1", "n2", "n3", "n4");
        cluster.Network.Blackholed.Add(cluster["n4"].Id);
        var start = cluster.NowMs;
        for (var i = 0; i < 300; i++)
        {
            cluster.Write("n1", "tags", $"k{i}", Value(i));
        }

        // Two batch windows and a few round trips: the healthy peers have everything.
        cluster.RunFor(400);
        SimCheck.HoldsAcknowledgedWrites(cluster, cluster["n2"]);
        SimCheck.HoldsAcknowledgedWrites(cluster, cluster["n3"]);
        var towardsN4 = cluster["n1"].Peers[cluster["n4"].Id];
        Assert.True(towardsN4.Status().InFlightBatches <= cluster.Config.Peer.MaxInFlightBatches);

        cluster.RunFor(20_000);
        // One side gives up on the silent link and has it re-established (the host's answer to a stall).
        Assert.Contains(cluster.TraceLines, l => l.Contains("n1->n4 PeerStalled", StringComparison.Ordinal) || l.Contains("n4->n1 PeerStalled", StringComparison.Ordinal));
        SimCheck.Settle(cluster);
        SimCheck.HoldsAcknowledgedWrites(cluster, cluster["n4"]);
        Assert.True(cluster.NowMs > start);
    }
}

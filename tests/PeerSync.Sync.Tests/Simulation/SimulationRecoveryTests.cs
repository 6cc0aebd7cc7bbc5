using System.Globalization;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Records;
using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Tests.Simulation;

/// <summary>Recovery scenarios: deletes across pruning, backfill with a crash, wiped peers.</summary>
public sealed class SimulationRecoveryTests
{
    private static SimCluster Cluster(ulong seed, SyncConfigOverride? config = null, params string[] names)
    {
        var cluster = new SimCluster(seed, names.Length == 0 ? ["n1", "n2", "n3"] : names, config?.Config ?? SimCheck.Config()) { KeepTrace = true };
        return cluster;
    }

    private static string Value(int i) => i.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Simulation_keeps_a_delete_made_while_a_peer_was_away_after_log_and_tombstones_were_pruned()
    {
        // A short retention: n3's origin stops holding tombstones back 2 s after its removal.
        var cluster = Cluster(20, new SyncConfigOverride(SimCheck.Config(retiredRetentionMs: 2000)));
        cluster.StartAll();
        cluster.RunFor(1000);
        cluster.Write("n1", "tags", "doomed", "\"live\"");
        cluster.Write("n1", "tags", "kept", "\"live\"");
        cluster.Write("n3", "places", "n3home", "\"mine\"");
        SimCheck.Settle(cluster);

        // n3 goes away with its copy of "doomed"; it is removed, so pruning stops waiting for it.
        cluster.Isolate("n3");
        cluster.RunFor(200);
        cluster.RemoveMember("n3");
        cluster.Write("n2", "tags", "doomed", null);
        cluster.Write("n1", "tags", "later", "\"new\"");
        cluster.RunFor(1000);
        Assert.Equal(1, Sim.Run(cluster["n1"].Store.CountTombstonesAsync()));
        cluster.RunFor(4000);
        foreach (var node in new[] { "n1", "n2" })
        {
            Assert.Equal(0, Sim.Run(cluster[node].Store.CountLogEntriesAsync()));
            Assert.Equal(0, Sim.Run(cluster[node].Store.CountTombstonesAsync()));
        }

        Assert.NotNull(Sim.Run(cluster["n3"].Store.GetAsync(SimCheck.Tags, RecordKey.Parse("doomed"))));

        // n3 returns behind what the logs hold: it takes a snapshot, and its stale copy dies.
        cluster.AddMember("n3");
        SimCheck.Settle(cluster);
        Assert.True(cluster["n3"].Backfill.PagesApplied > 0);
        foreach (var node in SimCheck.Live(cluster))
        {
            Assert.Null(Sim.Run(node.Store.GetAsync(SimCheck.Tags, RecordKey.Parse("doomed"))));
            SimCheck.HoldsAcknowledgedWrites(cluster, node);
        }

        SimCheck.Converged(cluster);
    }

    [Fact]
    public void Simulation_backfills_100000_records_into_a_new_node_and_resumes_from_its_checkpoint_after_a_crash()
    {
        var cluster = Cluster(21, new SyncConfigOverride(SimCheck.Config(pageSize: 1000)), "n1", "n4");
        cluster["n1"].Start(cluster.NowMs);
        cluster.RunFor(1000);
        for (var i = 0; i < 100_000; i++)
        {
            cluster.Write("n1", "tags", $"r{i:D6}", Value(i));
        }

        cluster.RunFor(200);
        var crashed = false;
        long requestsBeforeRestart = 0;
        cluster.OnPageApplied = node =>
        {
            if (!crashed && node.Id.Value == "n4" && node.Backfill.PagesApplied == 39)
            {
                // The 40th page is in the store with its checkpoint; the machine has not heard yet.
                crashed = true;
                cluster.Schedule(cluster.NowMs, () => cluster.Crash("n4"));
                cluster.Schedule(cluster.NowMs + 500, () =>
                {
                    requestsBeforeRestart = node.PageRequests;
                    cluster.Restart("n4");
                });
            }
        };
        cluster.Restart("n4");
        cluster.RunFor(2000);
        Assert.True(crashed);
        Assert.Contains(cluster.TraceLines, l => l.Contains("n4 backfill BackfillPhaseChanged { From = Uninitialized, To = Backfilling, Reason = resuming the snapshot from n1 after 40 page(s)", StringComparison.Ordinal));
        SimCheck.Settle(cluster, 120_000);
        // 100 full pages and the empty last one; after the restart only the 61 not yet applied were asked for.
        Assert.Equal(101, cluster["n4"].Backfill.PagesApplied);
        Assert.Equal(61, cluster["n4"].PageRequests - requestsBeforeRestart);
        Assert.Equal(100_000, Sim.Run(cluster["n4"].Store.GetCollectionDigestAsync(SimCheck.Tags)).Count);
        SimCheck.Converged(cluster);
    }

    [Fact]
    public void Simulation_detects_a_wiped_peer_and_resyncs_it()
    {
        var cluster = Cluster(22);
        cluster.StartAll();
        cluster.RunFor(1000);
        for (var i = 0; i < 200; i++)
        {
            cluster.Write($"n{(i % 3) + 1}", "tags", $"k{i % 50}", Value(i));
        }

        cluster.Write("n3", "places", "p3", "\"n3's\"");
        SimCheck.Settle(cluster);
        cluster.RunFor(3000);
        var oldEpoch = cluster["n3"].SelfOrigin.Epoch;

        cluster.Crash("n3");
        cluster["n3"].Wipe(0xABCDEF);
        cluster.Restart("n3");
        SimCheck.Settle(cluster);

        Assert.NotEqual(oldEpoch, cluster["n3"].SelfOrigin.Epoch);
        Assert.Contains(cluster.TraceLines, l => l.Contains("n1->n3 PeerDataEpochChanged", StringComparison.Ordinal));
        Assert.Equal(cluster["n3"].SelfOrigin.Epoch, cluster["n1"].Peers[cluster["n3"].Id].PeerEpoch);
        SimCheck.Converged(cluster);
        foreach (var node in SimCheck.Live(cluster))
        {
            SimCheck.HoldsAcknowledgedWrites(cluster, node);
        }

        // The new epoch is a new stream: n3's writes after the wipe reach everyone.
        cluster.Write("n3", "tags", "after-wipe", "1");
        SimCheck.Settle(cluster);
        SimCheck.HoldsAcknowledgedWrites(cluster, cluster["n1"]);
    }
}

/// <summary>Wraps a config so the cluster helper can take it as an optional argument.</summary>
internal sealed record SyncConfigOverride(PeerSync.Sync.Configuration.SyncConfig Config);

using PeerSync.Sync.Configuration;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Sync.Tests.Simulation;

/// <summary>Convergence and correctness checks over a simulated cluster.</summary>
internal static class SimCheck
{
    public static readonly CollectionName Tags = CollectionName.Parse("tags");
    public static readonly CollectionName Places = CollectionName.Parse("places");

    /// <summary>Fast timings for simulation: same protocol, shorter waits.</summary>
    public static SyncConfig Config(int pageSize = 50, int bufferSize = 1000, int maxBatch = 100, long retiredRetentionMs = 60_000) =>
        SimSyncConfig.Fast(pageSize, bufferSize, maxBatch, TimeSpan.FromMilliseconds(retiredRetentionMs));

    public static IEnumerable<SimNode> Live(SimCluster cluster) =>
        cluster.Nodes.Values.Where(n => n.IsUp && cluster.IsMember(n.Id));

    /// <summary>
    /// Every live node is ready, has applied every acknowledged write's position of every origin
    /// (seals keep streams moving, so exact equality of watermarks is not a quiet state) and the
    /// digests agree.
    /// </summary>
    public static bool IsQuiet(SimCluster cluster)
    {
        var nodes = Live(cluster).ToList();
        if (nodes.Any(n => !n.Backfill.IsReady))
        {
            return false;
        }

        var written = Watermarks.From(cluster.AcknowledgedWrites.Select(w => new KeyValuePair<OriginId, PeerSync.Sync.Clock.Hlc>(w.Stamp.Origin, w.Stamp.Hlc)));
        foreach (var node in nodes)
        {
            var applied = node.LocalState().Applied;
            if (written.Any(w => w.Key != node.SelfOrigin && applied[w.Key] < w.Value && nodes.Any(n => n.LocalState().Applied[w.Key] >= w.Value)))
            {
                return false;
            }
        }

        return DigestsAgree(nodes);
    }

    private static bool DigestsAgree(IReadOnlyList<SimNode> nodes)
    {
        foreach (var collection in new[] { Tags, Places })
        {
            if (nodes.Select(n => Sim.Run(n.Store.GetCollectionDigestAsync(collection))).Distinct().Count() > 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Heals everything, stops faults, and runs until quiet (or fails after the limit).</summary>
    public static void Settle(SimCluster cluster, long limitMs = 60_000)
    {
        cluster.HealAll();
        cluster.Network.DropRate = 0;
        cluster.Network.DuplicateRate = 0;
        var end = cluster.NowMs + limitMs;
        while (cluster.NowMs < end)
        {
            cluster.RunFor(500);
            if (IsQuiet(cluster))
            {
                return;
            }
        }

        var state = string.Join("; ", Live(cluster).Select(n => $"{n.Id} {n.Backfill.Phase} applied={n.LocalState().Applied} peers=[{string.Join(",", n.Peers.Values.Select(p => $"{p.Peer}:{p.Phase}:inflight={p.Status().InFlightBatches}:fail={p.Status().ConsecutiveFailures}:next={p.NextDeadlineMs(cluster.NowMs)}:{p.Acknowledged}"))}]"));
        var nodes = Live(cluster).ToList();
        var reference = Snapshot(nodes[0]);
        var diffs = nodes.Skip(1).SelectMany(n =>
        {
            var mine = Snapshot(n);
            return reference.Keys.Union(mine.Keys).Where(k => reference.GetValueOrDefault(k) != mine.GetValueOrDefault(k))
                .Take(3).Select(k => $"{nodes[0].Id}:{reference.GetValueOrDefault(k)} vs {n.Id}:{mine.GetValueOrDefault(k)} at {k}");
        });
        throw new Xunit.Sdk.XunitException($"the cluster did not settle within {limitMs} ms: differences [{string.Join("; ", diffs)}] {state}");
    }

    /// <summary>All live nodes hold exactly the same records (versions and values).</summary>
    public static void Converged(SimCluster cluster)
    {
        var nodes = Live(cluster).ToList();
        var reference = Snapshot(nodes[0]);
        foreach (var node in nodes.Skip(1))
        {
            var mine = Snapshot(node);
            var diff = reference.Keys.Union(mine.Keys).Where(k => reference.GetValueOrDefault(k) != mine.GetValueOrDefault(k)).Take(5).ToList();
            Assert.True(diff.Count == 0, $"{nodes[0].Id} and {node.Id} differ on {string.Join(", ", diff.Select(k => $"{k}: {reference.GetValueOrDefault(k)} vs {mine.GetValueOrDefault(k)}"))}");
            foreach (var collection in new[] { Tags, Places })
            {
                Assert.Equal(Sim.Run(nodes[0].Store.GetCollectionDigestAsync(collection)), Sim.Run(node.Store.GetCollectionDigestAsync(collection)));
            }
        }
    }

    /// <summary>
    /// No acknowledged write is lost: every key holds the last writer among all acknowledged writes
    /// to it (or is absent when that was a delete).
    /// </summary>
    public static void HoldsAcknowledgedWrites(SimCluster cluster, SimNode node)
    {
        var expected = cluster.AcknowledgedWrites
            .GroupBy(w => w.Cursor)
            .Select(g => g.Aggregate((best, next) => MergeRules.ShouldReplace(best, next) ? next : best));
        foreach (var winner in expected)
        {
            var actual = Sim.Run(node.Store.GetAsync(winner.Collection, winner.Key));
            if (winner.Deleted)
            {
                Assert.True(actual is null, $"{node.Id}: {winner.Cursor} should be deleted by {winner.Stamp} but holds {actual?.Stamp}");
            }
            else
            {
                Assert.True(actual is not null && actual.Stamp == winner.Stamp && actual.Value == winner.Value,
                    $"{node.Id}: {winner.Cursor} should hold {winner.Stamp} {winner.Value} but holds {actual?.Stamp} {actual?.Value}");
            }
        }
    }

    private static Dictionary<RecordCursor, string> Snapshot(SimNode node)
    {
        var result = new Dictionary<RecordCursor, string>();
        foreach (var collection in new[] { Tags, Places })
        {
            RecordKey? after = null;
            while (true)
            {
                var page = Sim.Run(node.Store.ListAsync(collection, after, RecordStore.MaxListLimit));
                foreach (var item in page.Items)
                {
                    result[item.Cursor] = $"{item.Stamp}={item.Value}";
                }

                if (page.Next is null)
                {
                    break;
                }

                after = page.Next;
            }
        }

        return result;
    }
}

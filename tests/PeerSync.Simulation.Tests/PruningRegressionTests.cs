using PeerSync.Simulation.Tests.Harness;
using PeerSync.Sync.Records;

namespace PeerSync.Simulation.Tests;

/// <summary>
/// Scenarios of swarm seeds that once resurrected deleted records through tombstone pruning
/// (docs/design/sync.md, "Pruning"), kept as regression tests.
/// </summary>
public sealed class PruningRegressionTests
{
    private static string ReplayOf(string test) => $"dotnet test tests/PeerSync.Simulation.Tests -c Release --filter FullyQualifiedName~{test}";

    /// <summary>
    /// Found by swarm seed 135. n4 joins while n3 is partitioned away, so n4's machine for n3 never
    /// got a hello and never learned n3's data epoch. When n3 is downed and removed, n4 retired that
    /// machine as RetiredPeer(n3, Epoch: null), and PruningCalculator.StableHlc held a retired
    /// origin only when the epoch was known: n4 treated n3's origin as "held equally by every live
    /// member" and pruned a tombstone newer than a write n3 made during the partition. When n3
    /// restarted and sent that write, n4 applied it: the deleted record came back on n4 (n1 and n2,
    /// which knew n3's epoch, kept the tombstone; anti-entropy later repaired n4). Fixed: a removed
    /// member whose epoch was never learned makes nothing stable for the retention.
    /// </summary>
    [Fact]
    public void Tombstone_is_not_resurrected_on_a_newcomer_that_never_met_a_removed_member()
    {
        var world = new SimWorld(135_000, new SimSettings { Nodes = 3 }) { Replay = ReplayOf(nameof(Tombstone_is_not_resurrected_on_a_newcomer_that_never_met_a_removed_member)) };
        world.StartAll();
        Assert.True(world.RunUntil(() => world.Checks.ClusterProblem() is null && world.Checks.SyncProblem() is null, 30_000));
        Assert.NotNull(world.Write("n3", SimWorkload.Tags, "doc", "\"v1\""));
        world.RunFor(2_000);

        world.Partition(["n3"], ["n1", "n2"]);
        world.RunFor(100);
        Assert.NotNull(world.Write("n3", SimWorkload.Tags, "doc", "\"written in the minority\""));
        var joiner = world.AddNode();
        world.Partition(["n3"], ["n4"]);
        Assert.True(world.RunUntil(() => joiner.IsUpMember && joiner.Sync.Backfill.IsReady, 30_000), "n4 did not join");
        Assert.NotNull(world.Write("n2", SimWorkload.Tags, "doc", null));

        // n3 is downed and removed; the tombstone becomes stable on n4 and is pruned there.
        world.RunFor(15_000);
        Assert.True(joiner.Sync.Peers[PeerSync.Remote.Addressing.NodeId.Parse("n3")].IsRetired);

        world.Heal();
        world.Checks.Settle();
        world.Checks.AssertConverged();
        Assert.Null(Sim.Run(joiner.Sync.Store.GetAsync(SimWorkload.Tags, RecordKey.Parse("doc"))));
    }

    /// <summary>
    /// Swarm seed 246: the documented limit of sync.md ("a node that joined after that member was
    /// removed never knew it"), reached within seconds rather than after the retention: n1 is downed
    /// on the minority side of a partition; n5 joins meanwhile, backfills (the tombstone of n2's
    /// delete of tags/k9 included) and, not knowing n1's origin, pruned that tombstone at once; n1
    /// restarted and sent an older write made during the partition, which n5 applied: the deleted
    /// record was visible again on n5 until anti-entropy repaired it. Fixed: an origin of no member
    /// this node knows counts for the retention after the newest position held of it.
    /// </summary>
    [Fact]
    public void Swarm_seed_246_never_resurrects_a_deleted_record() => SimSwarm.Run(246);
}

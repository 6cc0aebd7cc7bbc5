using PeerSync.Simulation.Tests.Harness;
using PeerSync.Sync.Records;

namespace PeerSync.Simulation.Tests;

/// <summary>
/// Scenarios that exposed a bug in a machine: skipped until it is fixed, then kept as regression
/// tests. Each names the seed of the swarm run that found it.
/// </summary>
public sealed class KnownBugTests
{
    private static string ReplayOf(string test) => $"dotnet test tests/PeerSync.Simulation.Tests -c Release --filter FullyQualifiedName~{test} (remove its Skip)";

    /// <summary>
    /// Found by swarm seed 135, fixed in PruningCalculator.StableHlc. n4 joins while n3 is partitioned
    /// away, so n4's machine for n3 never gets a hello and never learns n3's data epoch. When n3 is
    /// downed and removed, n4 retires that machine as RetiredPeer(n3, Epoch: null). StableHlc used to
    /// hold a retired origin only when the epoch was known: n4 treated n3's origin as "held equally by
    /// every live member" and pruned a tombstone newer than a write n3 made during the partition;
    /// when n3 restarted and sent that write, the deleted record came back on n4 until anti-entropy
    /// repaired it. Now a retired member whose epoch was never learned makes nothing stable for the
    /// retention.
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
    /// Swarm seed 314 (3 nodes), fixed in MembershipView: n2 restarts as n2#2 and joins through n3 just
    /// as a partition {n1} | {n2, n3} starts; n3 downs itself (keep-majority: n2#2 is only Joining, so
    /// n3 counts 1 of 3) while n1 keeps itself (a tie broken by age) and leads epoch E. n2#2 stays
    /// Joining in a stale view (n1#1 Up but unreachable, n3#1 Down) even after the heal: n1 never
    /// learned of it. When n1 restarted as n1#2, n2#2 downed and removed n1#1, promoted itself Joining →
    /// Up as coordinator, won an election with one voter and took epoch E again. A Joining member now
    /// coordinates only in a forming cluster (nobody Up yet), so the stranded joiner gives up instead.
    /// </summary>
    [Fact]
    public void Swarm_seed_314_keeps_one_leader_per_epoch() => SimSwarm.Run(314);

    /// <summary>
    /// Swarm seed 246, fixed in PruningCalculator.StableHlc: the former limit of sync.md ("a node that
    /// joined after that member was removed never knew it"), reached within seconds: n1 is downed on
    /// the minority side of a partition; n5 joins meanwhile, backfills (the tombstone of n2's delete
    /// of tags/k9 included) and, n1 being no member it knows, pruned that tombstone at once; n1
    /// restarted and sent an older write made during the partition, which n5 applied. Now an origin
    /// of no known member counts for the retention after the newest position held of it.
    /// </summary>
    [Fact]
    public void Swarm_seed_246_never_resurrects_a_deleted_record() => SimSwarm.Run(246);

    /// <summary>
    /// Swarm seed 249 (4 nodes, every one a seed), fixed in ClusterMachine join: n2 is killed for good
    /// and downed (it stays in seed-nodes). n1 restarts as n1#2, gets InitJoinAck from n3#1, and its
    /// joins are refused while n1#1 is being removed; then n3 and n4 crash too. n1 used to give up
    /// the right to form a cluster for good on the first InitJoinAck, and the other route needs every
    /// other seed to say "not in a cluster", which the dead n2 never does: all probed forever. Now,
    /// once that cluster is silent for seed-node-timeout, nacks from a majority of the other seeds
    /// (n3, n4) are enough.
    /// </summary>
    [Fact]
    public void Swarm_seed_249_reforms_the_cluster_after_every_member_restarted() => SimSwarm.Run(249);
}

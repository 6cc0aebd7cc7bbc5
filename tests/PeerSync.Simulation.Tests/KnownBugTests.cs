using PeerSync.Simulation.Tests.Harness;

namespace PeerSync.Simulation.Tests;

/// <summary>
/// Scenarios that expose a bug in a machine, reported to the lead and skipped until it is fixed
/// (src/ is not changed from this branch). Each names the seed of the swarm run that found it.
/// </summary>
public sealed class KnownBugTests
{
    private static string ReplayOf(string test) => $"dotnet test tests/PeerSync.Simulation.Tests -c Release --filter FullyQualifiedName~{test} (remove its Skip)";

    /// <summary>
    /// Swarm seed 314 (3 nodes). n2 restarts as n2#2 and joins through n3 just as a partition
    /// {n1} | {n2, n3} starts; n3 downs itself (keep-majority: n2#2 is only Joining, so n3 counts 1 of 3)
    /// while n1 keeps itself (a tie broken by age) and leads epoch E. n2#2 stays Joining in a stale
    /// view (n1#1 Up but unreachable, n3#1 Down) even after the heal: n1 never learned of it. When n1
    /// restarts as n1#2 and probes the seeds, n2#2 downs and removes n1#1, promotes itself Joining → Up,
    /// wins an election with one voter, and takes epoch E again: two leaders in one epoch, and a
    /// second cluster.
    /// </summary>
    [Fact(Skip = "Bug in ClusterMachine (join/downing): a stranded Joining member promotes itself Up alone and reuses a leader epoch (swarm seed 314)")]
    public void Swarm_seed_314_keeps_one_leader_per_epoch() => SimSwarm.Run(314);

    /// <summary>
    /// Swarm seed 249 (4 nodes, every one a seed): n2 is killed for good and downed (it stays in
    /// seed-nodes). n1 restarts as n1#2, gets InitJoinAck from n3#1, and its joins are refused while
    /// n1#1 is being removed; then n3 and n4 crash too. From then on nobody can form a cluster: n1
    /// may not, because ClusterMachine.OnInitJoinAck cleared _mayFormCluster for good ("never after
    /// any seed answered that a cluster exists") and the other route needs every other seed to say
    /// "not in a cluster", which the dead n2 never does; n3 and n4 are not the first seed. All three
    /// probe forever (a total outage until an operator edits seed-nodes or restarts n1).
    /// </summary>
    [Fact(Skip = "Liveness bug in ClusterMachine join: a first seed that once saw InitJoinAck never forms a cluster again while any listed seed is gone for good (swarm seed 249)")]
    public void Swarm_seed_249_reforms_the_cluster_after_every_member_restarted() => SimSwarm.Run(249);
}

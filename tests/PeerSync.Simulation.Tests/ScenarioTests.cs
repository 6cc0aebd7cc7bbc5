using System.Runtime.CompilerServices;
using PeerSync.Remote.Addressing;
using PeerSync.Simulation.Tests.Harness;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Records;

namespace PeerSync.Simulation.Tests;

/// <summary>
/// Scripted whole-cluster scenarios: the real cluster and sync machines, member events driving sync.
/// Every scenario runs with the safety invariants checked at each step, ends with the liveness phase
/// and requires identical records holding every surviving acknowledged write.
/// </summary>
public sealed class ScenarioTests
{
    private static SimWorld Formed(ulong seed, int nodes = 5, SimSettings? settings = null, [CallerMemberName] string test = "")
    {
        var world = new SimWorld(seed, (settings ?? new SimSettings()) with { Nodes = nodes })
        {
            Replay = $"dotnet test tests/PeerSync.Simulation.Tests -c Release --filter FullyQualifiedName~{test}",
        };
        SimWorkload.SkewClocks(world);
        world.StartAll();
        Assert.True(world.RunUntil(() => world.Checks.ClusterProblem() is null && world.Checks.SyncProblem() is null, 30_000),
            "formation: " + world.Checks.ClusterProblem() + " " + world.Checks.SyncProblem());
        return world;
    }

    private static void Write(SimWorld world, string node, int count, string prefix, CollectionName? collection = null)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.NotNull(world.Write(node, collection ?? SimWorkload.Tags, $"{prefix}{i % 20}", SimWorld.Value(i)));
            world.RunFor(15);
        }
    }

    private static void SettleAndCheck(SimWorld world)
    {
        world.Checks.Settle();
        world.Checks.AssertConverged();
    }

    [Fact]
    public void Cluster_converges_on_one_last_writer_when_every_node_writes_the_same_keys_concurrently()
    {
        var world = Formed(1, settings: new SimSettings { DelayMaxMs = 40, MaxClockSkewMs = 3_000 });
        Assert.Contains(world.Processes.Values, p => p.SkewMs != 0);
        SimWorkload.Writers(world, world.NowMs, world.NowMs + 10_000, keys: 10);
        world.RunFor(10_000);
        SettleAndCheck(world);
        Assert.True(world.Checks.AcknowledgedWrites.Count > 100, $"{world.Checks.AcknowledgedWrites.Count} writes acknowledged");
        Assert.NotEmpty(world.Checks.LeadersByEpoch);
    }

    [Fact]
    public void Partition_3_2_keeps_writes_of_both_sides_after_the_minority_is_downed_and_rejoins()
    {
        // The minority takes writes until keep-majority downs it (stable-after 5 s); its processes
        // then restart as new incarnations once healed, rejoin, and sync both ways.
        var world = Formed(2);
        world.Partition(["n4", "n5"], ["n1", "n2", "n3"]);
        Write(world, "n4", 20, "minority-");
        Write(world, "n1", 20, "majority-");
        world.RunFor(10_000);
        Assert.False(world["n4"].IsUpMember, "the minority should have been downed");
        Write(world, "n2", 20, "majority-late-");
        Assert.Null(world.Write("n5", SimWorkload.Tags, "refused", "1"));
        world.Heal();
        SettleAndCheck(world);
        Assert.Equal(2UL, world["n4"].Incarnation.Incarnation.Value);
        Assert.Equal(2UL, world["n5"].Incarnation.Incarnation.Value);
        Assert.Equal(1UL, world["n1"].Incarnation.Incarnation.Value);
        Assert.NotNull(Sim.Run(world["n1"].Sync.Store.GetAsync(SimWorkload.Tags, RecordKey.Parse("minority-19"))));
        Assert.NotNull(Sim.Run(world["n5"].Sync.Store.GetAsync(SimWorkload.Tags, RecordKey.Parse("majority-late-19"))));
    }

    [Fact]
    public void Writer_crashed_mid_stream_restarts_with_its_clock_set_back_and_loses_no_acknowledged_write()
    {
        var world = Formed(3, settings: new SimSettings { DelayMaxMs = 30 });
        Write(world, "n2", 40, "stream-");
        world.Crash("n2");
        world.RunFor(8_000);
        world["n2"].SkewMs = -4_000;
        world.RestartWhenWhole(world["n2"]);
        Assert.True(world.RunUntil(() => world["n2"].IsUpMember && world["n2"].Sync.Backfill.IsReady, 20_000), "n2 did not rejoin");
        Write(world, "n2", 40, "stream-");
        SettleAndCheck(world);
        Assert.True(world["n2"].Incarnation.Incarnation.Value >= 2);
    }

    [Fact]
    public void Removed_member_is_retired_everywhere_and_stops_holding_back_log_pruning()
    {
        // n5 dies for good and an operator downs it: once it is removed, every machine for it retires
        // (its queue dropped: nothing in flight, nothing more to send) and no longer holds the logs
        // back, so they drain although n5 never acknowledged the writes made after its death.
        var world = Formed(4);
        world.KillAndDown("n5", "n1");
        Write(world, "n1", 30, "after-");
        world.RunFor(3_000);
        SettleAndCheck(world);
        world.RunFor(3_000);
        foreach (var process in world.Checks.Survivors)
        {
            var machine = process.Sync.Peers[NodeId.Parse("n5")];
            Assert.True(machine.IsRetired, $"{process.Id} still has a live machine for n5");
            Assert.Equal(0, machine.Status().InFlightBatches);
            Assert.False(machine.HasReady, $"{process.Id}'s retired machine for n5 still has output");
            Assert.Equal(0, Sim.Run(process.Sync.Store.CountLogEntriesAsync()));
        }
    }

    [Fact]
    public void Decommissioned_member_leaves_and_its_forwarded_writes_survive_it()
    {
        var world = Formed(5);
        Write(world, "n5", 30, "leaver-");
        world.RunFor(2_000);
        world.Decommission("n5");
        world.RunFor(10_000);
        Assert.False(world["n5"].Alive);
        SettleAndCheck(world);
        Assert.Equal(30, world.Checks.SurvivingWrites().Count(w => w.Key.Value.StartsWith("leaver-", StringComparison.Ordinal)));
    }

    [Fact]
    public void New_empty_member_joins_backfills_and_converges()
    {
        var world = Formed(6, nodes: 3);
        Write(world, "n1", 60, "before-");
        Write(world, "n2", 20, "mine-", SimWorkload.Places);
        world.RunFor(3_000);
        var joiner = world.AddNode();
        SimWorkload.Writers(world, world.NowMs, world.NowMs + 5_000);
        world.RunFor(5_000);
        SettleAndCheck(world);
        Assert.True(joiner.Sync.PagesApplied > 0, "n4 took no snapshot pages");
        Assert.Equal(BackfillPhase.Ready, joiner.Sync.Backfill.Phase);
    }

    [Fact]
    public void Same_seed_gives_the_same_trace_and_another_seed_another()
    {
        var first = SimSwarm.Run(11, chaosMs: 10_000);
        var second = SimSwarm.Run(11, chaosMs: 10_000);
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first.EventsHandled, second.EventsHandled);
        Assert.NotEqual(first.TraceHash, SimSwarm.Run(12, chaosMs: 10_000).TraceHash);
    }

    [Fact]
    public void Invariant_failure_names_the_seed_and_the_replay_command()
    {
        var world = Formed(8, nodes: 3);
        var written = world.Write("n1", SimWorkload.Tags, "k", "1");
        Assert.NotNull(written);
        var failure = Assert.Throws<SimFailure>(() => world.Checks.Issued(world["n1"], written.Stamp.Hlc));
        Assert.Equal(8UL, failure.Seed);
        Assert.Contains("seed 8", failure.Message, StringComparison.Ordinal);
        Assert.Contains("HLC went backwards", failure.Message, StringComparison.Ordinal);
        Assert.Contains("replay: dotnet test tests/PeerSync.Simulation.Tests -c Release --filter FullyQualifiedName~Invariant_failure_names_the_seed_and_the_replay_command", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sync_host_keeps_the_machine_of_a_new_incarnation_when_the_removal_of_the_old_one_comes_after_its_MemberUp()
    {
        // ClusterStateSnapshot.Diff lists status changes before removals, so a node that learns both
        // at once sees MemberUp(n2#2) first; the removal of n2#1 must not retire the machine n2#2 uses.
        var world = Formed(9, nodes: 3);
        var host = world["n1"].Sync;
        var n2 = NodeId.Parse("n2");
        host.MemberUp(new UniqueNode(n2, new Incarnation(2)), world.NowMs);
        host.MemberRemoved(new UniqueNode(n2, new Incarnation(1)), world.NowMs);
        Assert.False(host.Peers[n2].IsRetired);
        host.MemberRemoved(new UniqueNode(n2, new Incarnation(2)), world.NowMs);
        Assert.True(host.Peers[n2].IsRetired);
    }
}

using System.Globalization;
using PeerSync.Cluster.Tests.Simulation;
using Xunit.Abstractions;

namespace PeerSync.Cluster.Tests.Scenarios;

/// <summary>
/// Swarm testing: each seed picks the cluster size, network parameters (delays, drop rate, clock
/// drift) and a fault script; invariants are checked after every step, then the liveness phase heals
/// everything and requires convergence. A failing seed names itself; set PEERSYNC_SIM_SEED to replay
/// it alone with its full transcript (Replayed_seed_reproduces_its_run_and_prints_the_transcript).
/// </summary>
public sealed class SeedSweepTests(ITestOutputHelper output)
{
    private const int DefaultSeeds = 200;

    /// <summary>PEERSYNC_SIM_SEED_COUNT and PEERSYNC_SIM_SEED_START widen the sweep (e.g. a nightly run).</summary>
    private static (ulong Start, int Count) Range() =>
        (ulong.TryParse(Environment.GetEnvironmentVariable("PEERSYNC_SIM_SEED_START"), NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : 1,
         int.TryParse(Environment.GetEnvironmentVariable("PEERSYNC_SIM_SEED_COUNT"), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : DefaultSeeds);

    public static SimCluster Run(ulong seed, bool recordNotices = false, bool deafMembers = false)
    {
        var sim = Start(seed, recordNotices, deafMembers);
        Finish(sim);
        return sim;
    }

    private static SimCluster Start(ulong seed, bool recordNotices, bool deafMembers)
    {
        var random = new DeterministicRandom(seed);
        var size = 3 + random.NextInt(5);
        var sim = new SimCluster(seed, size, SimOptions.Swarm(seed)) { RecordNotices = recordNotices };
        sim.StartAll();
        Chaos.Script(sim, 8_000, 70_000, deafMembers);
        return sim;
    }

    /// <summary>PEERSYNC_SIM_DEAF=1 replays a seed of the sweep with deaf members.</summary>
    private static bool DeafReplay() => Environment.GetEnvironmentVariable("PEERSYNC_SIM_DEAF") == "1";

    private static void Finish(SimCluster sim)
    {
        sim.RunUntil(75_000);
        sim.HealAndConverge();
    }

    [Fact]
    public void Invariants_hold_and_the_cluster_converges_after_healing_for_200_seeds() => Sweep(deafMembers: false);

    /// <summary>
    /// The same sweep with deaf members in the fault mix (all traffic into one member lost while it
    /// still sends; docs/design/downing.md, "Deaf nodes"): downing reads rows as broken links in
    /// both directions, and must keep every invariant under every other fault with it.
    /// </summary>
    [Fact]
    public void Invariants_hold_and_the_cluster_converges_after_healing_for_200_seeds_with_deaf_members() => Sweep(deafMembers: true);

    private void Sweep(bool deafMembers)
    {
        var failures = new List<string>();
        var (start, count) = Range();
        for (var seed = start; seed < start + (ulong)count; seed++)
        {
            try
            {
                Run(seed, deafMembers: deafMembers);
            }
            catch (Exception e) when (e is SimInvariantException or ClusterInvariantException)
            {
                failures.Add($"seed {seed}: {e.Message.Split('\n')[0]}");
            }
        }

        foreach (var failure in failures)
        {
            output.WriteLine(failure + "  (replay: PEERSYNC_SIM_SEED=" + failure.Split(':')[0][5..] + (deafMembers ? " PEERSYNC_SIM_DEAF=1" : "") + ")");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {count} seeds failed; first: {failures.FirstOrDefault()}");
    }

    [Theory]
    // 6785: n3, paused, is downed by n2#1 in a 2-member tie; n2#1 leads epoch 88698 and crashes;
    // n2#2's join let n3 down and remove n2#1 at once and win 88698 again with a one-member voting
    // set. Fixed: a restart downs the old incarnation at once only when this side surely survives.
    [InlineData(6785UL)]
    // 6745: a partition 10 ms after the first seed restarted left it with no seed to answer, and it
    // formed a second cluster (membership.md's known limitation); the chaos script now skips it.
    [InlineData(6745UL)]
    // 663 (found while fixing 6785): n2 no longer downs a silent n1#1 on n1#2's join and downs itself
    // instead; the stranded joiner n4#2, told to leave, must get a verdict once it counts for a side.
    [InlineData(663UL)]
    public void Seed_that_once_failed_holds_its_invariants_and_converges(ulong seed)
    {
        Run(seed);
    }

    [Fact]
    public void Same_seed_replays_to_the_same_trace()
    {
        Assert.Equal(Run(42).TraceHash, Run(42).TraceHash);
        Assert.NotEqual(Run(42).TraceHash, Run(43).TraceHash);
    }

    [Fact]
    public void Replayed_seed_reproduces_its_run_and_prints_the_transcript()
    {
        // PEERSYNC_SIM_SEED picks the seed to replay (default 7), PEERSYNC_SIM_DEAF=1 the sweep with
        // deaf members; the transcript is printed so a failing seed can be read step by step.
        var text = Environment.GetEnvironmentVariable("PEERSYNC_SIM_SEED");
        var seed = string.IsNullOrEmpty(text) ? 7UL : ulong.Parse(text, CultureInfo.InvariantCulture);
        SimCluster? first = null;
        try
        {
            first = Run(seed, recordNotices: true, deafMembers: DeafReplay());
            Assert.Equal(first.TraceHash, Run(seed, recordNotices: true, deafMembers: DeafReplay()).TraceHash);
        }
        catch (SimInvariantException) when (first is null)
        {
            var failed = Start(seed, recordNotices: true, DeafReplay());
            try
            {
                Finish(failed);
            }
            catch (SimInvariantException)
            {
                output.WriteLine(failed.Transcript());
                throw;
            }
        }

        output.WriteLine(first?.Transcript() ?? "");
    }
}

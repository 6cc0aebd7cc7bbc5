using System.Globalization;
using PeerSync.Cluster.Tests.Simulation;
using Xunit.Abstractions;

namespace PeerSync.Cluster.Tests.Scenarios;

/// <summary>
/// Swarm testing: each seed picks the cluster size, network parameters (delays, drop rate, clock
/// drift) and a fault script; invariants are checked after every step, then the liveness phase heals
/// everything and requires convergence. A failing seed names itself; set PEERSYNC_SIM_SEED to replay
/// it alone with its full transcript.
/// </summary>
public sealed class SeedSweepTests(ITestOutputHelper output)
{
    private const int DefaultSeeds = 200;

    /// <summary>PEERSYNC_SIM_SEED_COUNT and PEERSYNC_SIM_SEED_START widen the sweep (e.g. a nightly run).</summary>
    private static (ulong Start, int Count) Range() =>
        (ulong.TryParse(Environment.GetEnvironmentVariable("PEERSYNC_SIM_SEED_START"), NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : 1,
         int.TryParse(Environment.GetEnvironmentVariable("PEERSYNC_SIM_SEED_COUNT"), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : DefaultSeeds);

    public static SimCluster Run(ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var size = 3 + random.NextInt(5);
        var sim = new SimCluster(seed, size, SimOptions.Swarm(seed)) { RecordNotices = false };
        sim.StartAll();
        Chaos.Script(sim, 8_000, 70_000);
        sim.RunUntil(75_000);
        sim.HealAndConverge();
        return sim;
    }

    [Fact]
    public void Invariants_hold_and_the_cluster_converges_after_healing_for_200_seeds()
    {
        var failures = new List<string>();
        var (start, count) = Range();
        for (var seed = start; seed < start + (ulong)count; seed++)
        {
            try
            {
                Run(seed);
            }
            catch (Exception e) when (e is SimInvariantException or ClusterInvariantException)
            {
                failures.Add($"seed {seed}: {e.Message.Split('\n')[0]}");
            }
        }

        foreach (var failure in failures)
        {
            output.WriteLine(failure + "  (replay: PEERSYNC_SIM_SEED=" + failure.Split(':')[0][5..] + ")");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {count} seeds failed; first: {failures.FirstOrDefault()}");
    }

    [Fact]
    public void Same_seed_replays_to_the_same_trace()
    {
        Assert.Equal(Run(42).TraceHash, Run(42).TraceHash);
        Assert.NotEqual(Run(42).TraceHash, Run(43).TraceHash);
    }

    [Fact]
    public void Seed_from_environment_replays_with_its_transcript()
    {
        // A no-op unless PEERSYNC_SIM_SEED is set: then it replays that seed and prints everything.
        var text = Environment.GetEnvironmentVariable("PEERSYNC_SIM_SEED");
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        var seed = ulong.Parse(text, CultureInfo.InvariantCulture);
        var random = new DeterministicRandom(seed);
        var size = 3 + random.NextInt(5);
        var sim = new SimCluster(seed, size, SimOptions.Swarm(seed));
        try
        {
            sim.StartAll();
            Chaos.Script(sim, 8_000, 70_000);
            sim.RunUntil(75_000);
            sim.HealAndConverge();
        }
        finally
        {
            output.WriteLine(sim.Transcript());
        }
    }
}

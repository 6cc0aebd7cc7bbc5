using System.Globalization;
using PeerSync.Simulation.Tests.Harness;
using Xunit.Abstractions;

namespace PeerSync.Simulation.Tests;

/// <summary>Replaying a seed: exact (same trace hash), and on demand with the full trace printed.</summary>
public sealed class ReplayTests(ITestOutputHelper output)
{
    /// <summary>PEERSYNC_SIM_SEED picks the seed to replay (default 7); PEERSYNC_SIM_CHAOS_MS the chaos length.</summary>
    [Fact]
    public void Replay_runs_the_seed_from_PEERSYNC_SIM_SEED_and_prints_its_trace()
    {
        var seed = ulong.TryParse(Environment.GetEnvironmentVariable("PEERSYNC_SIM_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 7;
        var chaosMs = long.TryParse(Environment.GetEnvironmentVariable("PEERSYNC_SIM_CHAOS_MS"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : SimSwarm.DefaultChaosMs;
        var world = SimSwarm.Create(seed);
        world.FullTrace = [];
        try
        {
            SimSwarm.Drive(world, chaosMs);
        }
        finally
        {
            foreach (var line in world.FullTrace)
            {
                output.WriteLine(line);
            }

            output.WriteLine($"seed {seed}: trace hash {world.TraceHash}");
        }
    }

    [Fact]
    public void Swarm_failure_message_names_the_seed_and_the_PEERSYNC_SIM_SEED_replay()
    {
        var failure = SimSwarm.Create(5).Fail("a test problem");
        Assert.StartsWith("seed 5 at 0 ms: a test problem", failure.Message, StringComparison.Ordinal);
        Assert.Contains("replay: PEERSYNC_SIM_SEED=5 dotnet test tests/PeerSync.Simulation.Tests -c Release --filter FullyQualifiedName~ReplayTests", failure.Message, StringComparison.Ordinal);
    }
}

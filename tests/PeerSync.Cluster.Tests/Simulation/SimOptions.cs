namespace PeerSync.Cluster.Tests.Simulation;

/// <summary>Fault and timing parameters of one simulated run; swarm tests derive them from the seed.</summary>
public sealed record SimOptions
{
    public long MinDelayMs { get; init; } = 1;
    public long MaxDelayMs { get; init; } = 5;

    /// <summary>Probability that a message is lost (a reset link).</summary>
    public double DropRate { get; init; }

    /// <summary>Clock-rate drift bound: each node's clock runs at 1 +/- up to this fraction of real time.</summary>
    public double MaxDrift { get; init; }

    /// <summary>How long the host takes to confirm that a singleton stopped.</summary>
    public long MaxSingletonStopDelayMs { get; init; } = 20;

    public ClusterConfig Config { get; init; } = SimCluster.DefaultConfig();

    public static SimOptions Swarm(ulong seed)
    {
        var random = new DeterministicRandom(seed ^ 0x5157A12EUL);
        return new SimOptions
        {
            MinDelayMs = random.NextLong(0, 3),
            MaxDelayMs = random.NextLong(4, 60),
            DropRate = random.NextInt(4) == 0 ? 0 : random.NextDouble() * 0.05,
            MaxDrift = random.NextDouble() * 0.01,
            MaxSingletonStopDelayMs = random.NextLong(0, 200),
        };
    }
}

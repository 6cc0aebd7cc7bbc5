using System.Globalization;
using PeerSync.Cluster;
using PeerSync.Sync.Configuration;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>
/// The parameters of one run: cluster size, network faults, clock skew and the protocol configs.
/// <see cref="Swarm"/> lets the seed pick the fault parameters (swarm testing, as TigerBeetle does):
/// some seeds run a clean network, others a lossy or slow one.
/// </summary>
internal sealed record SimSettings
{
    /// <summary>Nodes started at formation (n1..nN); more may join later with <see cref="SimWorld.AddNode"/>.</summary>
    public int Nodes { get; init; } = 5;

    public long DelayMinMs { get; init; } = 1;

    public long DelayMaxMs { get; init; } = 10;

    /// <summary>Probability that one message (cluster or sync) is lost.</summary>
    public double DropRate { get; init; }

    /// <summary>Probability that one sync message is delivered twice.</summary>
    public double DuplicateRate { get; init; }

    /// <summary>
    /// Also duplicate cluster messages at <see cref="DuplicateRate"/>. Off by default: cluster
    /// messages ride one TCP link per pair, which never duplicates (see simulation.md).
    /// </summary>
    public bool DuplicateClusterMessages { get; init; }

    /// <summary>Clock offsets of skewed nodes are drawn from ±this (ms); 0 keeps every clock exact.</summary>
    public long MaxClockSkewMs { get; init; }

    /// <summary>How often each process's sync host ticks (its machines' timers have this resolution).</summary>
    public long SyncTickMs { get; init; } = 25;

    /// <summary>How long a process stays down after its cluster part stopped (downed, removed) before its supervisor restarts it.</summary>
    public long SupervisorRestartMs { get; init; } = 1_500;

    /// <summary>Null: the default config with every initial node as a seed (<see cref="ClusterConfigFor"/>).</summary>
    public ClusterConfig? Cluster { get; init; }

    public SyncConfig Sync { get; init; } = SyncDefaults();

    public static string AddressOf(int index) => "10.0.0." + index.ToString(CultureInfo.InvariantCulture) + ":4053";

    /// <summary>
    /// Every initial node is a seed: with fewer, a partition that downs all the seeds leaves the
    /// survivors without one, and the restarted seeds legitimately form a second cluster
    /// (membership.md, "Join"), which is a deployment mistake rather than something to test here.
    /// </summary>
    public ClusterConfig ClusterConfigFor() => Cluster ?? ClusterDefaults(Nodes);

    /// <summary>The default cluster config with the first <paramref name="seedNodes"/> nodes as seeds.</summary>
    public static ClusterConfig ClusterDefaults(int seedNodes) =>
        ClusterConfig.Default([.. Enumerable.Range(1, seedNodes).Select(AddressOf)]);

    /// <summary>
    /// The simulations' fast sync settings with small backfill pages. The retired-origin retention
    /// (5 min) is far longer than any outage the fault scripts make (see the known limit in sync.md).
    /// </summary>
    public static SyncConfig SyncDefaults() =>
        SimSyncConfig.Fast(pageSize: 20, bufferSize: 1000, maxBatch: 100, retiredOriginRetention: TimeSpan.FromMinutes(5));

    /// <summary>Fault parameters drawn from the seed (a separate stream from the run's own randomness).</summary>
    public static SimSettings Swarm(ulong seed)
    {
        var random = new PeerSync.Cluster.DeterministicRandom(seed ^ 0x5A4A12EUL);
        var lossy = random.NextInt(3) != 0;
        return new SimSettings
        {
            Nodes = 3 + random.NextInt(3),
            DelayMinMs = random.NextLong(0, 3),
            DelayMaxMs = random.NextLong(4, 60),
            DropRate = lossy ? random.NextDouble() * 0.04 : 0,
            DuplicateRate = lossy ? random.NextDouble() * 0.05 : 0,
            MaxClockSkewMs = random.NextInt(2) == 0 ? 0 : random.NextLong(500, 5_000),
            DuplicateClusterMessages = Environment.GetEnvironmentVariable("PEERSYNC_SIM_DUPLICATE_CLUSTER") == "1",
        };
    }
}

using System.Collections.Immutable;
using System.Globalization;
using PeerSync.Cluster.Downing;
using PeerSync.Cluster.Election;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster;

/// <summary>
/// The validated, immutable cluster settings a <see cref="ClusterMachine"/> receives. Times are
/// whole milliseconds. Build it with <see cref="From"/> (or <see cref="ClusterOptions.ToConfig"/>),
/// which checks every key and the relationships between them.
/// </summary>
public sealed record ClusterConfig
{
    public required string Name { get; init; }
    public required ImmutableArray<EndpointAddress> SeedNodes { get; init; }
    public required long HeartbeatIntervalMs { get; init; }
    public required long GossipIntervalMs { get; init; }
    public required double PhiThreshold { get; init; }
    public required long AcceptableHeartbeatPauseMs { get; init; }
    public required long MinStdDeviationMs { get; init; }
    public required int MaxSampleSize { get; init; }
    public required long FirstHeartbeatEstimateMs { get; init; }
    public required DowningStrategy DowningStrategy { get; init; }
    public required long StableAfterMs { get; init; }
    public required int StaticQuorumSize { get; init; }
    public required bool KeepOldestDownIfAlone { get; init; }
    public required ElectionMode ElectionMode { get; init; }
    public required long LeaseMs { get; init; }
    public required long LeaseMarginMs { get; init; }
    public required long VoteTimeoutMs { get; init; }
    public required string? LeaderRole { get; init; }
    public required long SeedNodeTimeoutMs { get; init; }
    public required long JoinRetryIntervalMs { get; init; }

    /// <summary>How long a voter waits after its last contact with a leader before voting for another.</summary>
    public long VoterWaitMs => LeaseMs + LeaseMarginMs;

    /// <summary>A step this much later than the wake-up the machine asked for means this node itself was paused (see failure-detector.md).</summary>
    public long SelfPauseGuardMs => HeartbeatIntervalMs;

    /// <summary>The defaults, for tests and tools.</summary>
    public static ClusterConfig Default(params string[] seedNodes) =>
        From(new ClusterOptions { SeedNodes = seedNodes.ToList() });

    public static ClusterConfig From(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var fd = options.FailureDetector ?? new FailureDetectorOptions();
        var downing = options.Downing ?? new DowningOptions();
        var election = options.Election ?? new ElectionOptions();
        var join = options.Join ?? new JoinOptions();

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            errors.Add("peersync.cluster.name must not be empty");
        }

        var seeds = ParseSeeds(options.SeedNodes, errors);
        var heartbeat = Positive(options.HeartbeatInterval, "peersync.cluster.heartbeat-interval", errors);
        var gossip = Positive(options.GossipInterval, "peersync.cluster.gossip-interval", errors);
        var pause = Positive(fd.AcceptableHeartbeatPause, "peersync.cluster.failure-detector.acceptable-heartbeat-pause", errors);
        var minStd = Positive(fd.MinStdDeviation, "peersync.cluster.failure-detector.min-std-deviation", errors);
        var firstEstimate = Positive(fd.FirstHeartbeatEstimate, "peersync.cluster.failure-detector.first-heartbeat-estimate", errors);
        if (!(fd.Threshold > 0) || double.IsInfinity(fd.Threshold))
        {
            errors.Add(Invariant($"peersync.cluster.failure-detector.threshold is {fd.Threshold}; it must be a positive number (8 is usual)"));
        }

        if (fd.MaxSampleSize < 2)
        {
            errors.Add(Invariant($"peersync.cluster.failure-detector.max-sample-size is {fd.MaxSampleSize}; at least 2 intervals are needed for a deviation"));
        }

        if (heartbeat > 0 && pause > 0 && pause <= heartbeat)
        {
            errors.Add(Invariant($"peersync.cluster.failure-detector.acceptable-heartbeat-pause ({pause} ms) must be longer than peersync.cluster.heartbeat-interval ({heartbeat} ms), or every late heartbeat is a failure"));
        }

        var strategy = ParseStrategy(downing.Strategy, errors);
        var stableAfter = Positive(downing.StableAfter, "peersync.cluster.downing.stable-after", errors);
        if (strategy == DowningStrategy.StaticQuorum && downing.StaticQuorumSize < 1)
        {
            errors.Add(Invariant($"peersync.cluster.downing.static-quorum.size is {downing.StaticQuorumSize}; static-quorum needs a size of at least 1 (the cluster must not grow beyond 2 x size - 1)"));
        }

        var mode = ParseMode(election.Mode, errors);
        var lease = Positive(election.Lease, "peersync.cluster.election.lease", errors);
        var margin = Positive(election.LeaseMargin, "peersync.cluster.election.lease-margin", errors);
        var voteTimeout = Positive(election.VoteTimeout, "peersync.cluster.election.vote-timeout", errors);
        if (lease > 0 && heartbeat > 0 && lease < 3 * heartbeat)
        {
            errors.Add(Invariant($"peersync.cluster.election.lease ({lease} ms) must be at least 3 x peersync.cluster.heartbeat-interval ({3 * heartbeat} ms): the lease is renewed once per heartbeat and must survive a lost one"));
        }

        if (lease > 0 && margin > 0 && margin * 50 < lease)
        {
            errors.Add(Invariant($"peersync.cluster.election.lease-margin ({margin} ms) must be at least 2% of the lease ({(lease + 49) / 50} ms) to cover clock-rate drift between nodes"));
        }

        if (voteTimeout > 0 && lease > 0 && voteTimeout >= lease)
        {
            errors.Add(Invariant($"peersync.cluster.election.vote-timeout ({voteTimeout} ms) must be shorter than peersync.cluster.election.lease ({lease} ms)"));
        }

        if (election.Role is { } role && role.Length > 0 && string.IsNullOrWhiteSpace(role))
        {
            errors.Add("peersync.cluster.election.role is blank; leave it unset to let every member lead");
        }

        var seedTimeout = Positive(join.SeedNodeTimeout, "peersync.cluster.join.seed-node-timeout", errors);
        var retry = Positive(join.RetryInterval, "peersync.cluster.join.retry-interval", errors);

        if (errors.Count > 0)
        {
            throw new ClusterConfigException(errors);
        }

        return new ClusterConfig
        {
            Name = options.Name,
            SeedNodes = seeds,
            HeartbeatIntervalMs = heartbeat,
            GossipIntervalMs = gossip,
            PhiThreshold = fd.Threshold,
            AcceptableHeartbeatPauseMs = pause,
            MinStdDeviationMs = minStd,
            MaxSampleSize = fd.MaxSampleSize,
            FirstHeartbeatEstimateMs = firstEstimate,
            DowningStrategy = strategy,
            StableAfterMs = stableAfter,
            StaticQuorumSize = downing.StaticQuorumSize,
            KeepOldestDownIfAlone = downing.KeepOldestDownIfAlone,
            ElectionMode = mode,
            LeaseMs = lease,
            LeaseMarginMs = margin,
            VoteTimeoutMs = voteTimeout,
            LeaderRole = string.IsNullOrEmpty(election.Role) ? null : election.Role,
            SeedNodeTimeoutMs = seedTimeout,
            JoinRetryIntervalMs = retry,
        };
    }

    private static ImmutableArray<EndpointAddress> ParseSeeds(IList<string>? seeds, List<string> errors)
    {
        if (seeds is null || seeds.Count == 0)
        {
            errors.Add("peersync.cluster.seed-nodes is empty; list at least one host:port (this node's own address starts a new cluster)");
            return [];
        }

        var parsed = ImmutableArray.CreateBuilder<EndpointAddress>();
        for (var i = 0; i < seeds.Count; i++)
        {
            if (!EndpointAddress.TryParse(seeds[i], out var address, out var error))
            {
                errors.Add(Invariant($"peersync.cluster.seed-nodes[{i}]: {error}"));
                continue;
            }

            if (parsed.Contains(address))
            {
                errors.Add(Invariant($"peersync.cluster.seed-nodes[{i}]: '{address}' is listed twice"));
                continue;
            }

            parsed.Add(address);
        }

        return parsed.ToImmutable();
    }

    private static long Positive(TimeSpan value, string key, List<string> errors)
    {
        var ms = (long)value.TotalMilliseconds;
        if (ms < 1)
        {
            errors.Add(Invariant($"{key} is {value}; it must be at least 1 ms"));
            return 0;
        }

        return ms;
    }

    private static DowningStrategy ParseStrategy(string? value, List<string> errors)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "keep-majority": return DowningStrategy.KeepMajority;
            case "keep-oldest": return DowningStrategy.KeepOldest;
            case "static-quorum": return DowningStrategy.StaticQuorum;
            case "off": return DowningStrategy.Off;
            default:
                errors.Add($"peersync.cluster.downing.strategy is '{value}'; use keep-majority, keep-oldest, static-quorum or off");
                return DowningStrategy.KeepMajority;
        }
    }

    private static ElectionMode ParseMode(string? value, List<string> errors)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "leader": return ElectionMode.Leader;
            case "leaderless": return ElectionMode.Leaderless;
            default:
                errors.Add($"peersync.cluster.election.mode is '{value}'; use leader or leaderless");
                return ElectionMode.Leader;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

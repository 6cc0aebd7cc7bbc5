using PeerSync.Cluster.Downing;
using PeerSync.Cluster.Election;

namespace PeerSync.Cluster.Tests;

public sealed class ClusterOptionsTests
{
    private static ClusterOptions Valid() => new() { SeedNodes = ["127.0.0.1:4053", "127.0.0.1:4054"] };

    private static string Error(Action<ClusterOptions> change)
    {
        var options = Valid();
        change(options);
        var e = Assert.Throws<ClusterConfigException>(options.ToConfig);
        return string.Join("\n", e.Errors);
    }

    [Fact]
    public void Defaults_are_valid_and_meet_the_goals()
    {
        var config = Valid().ToConfig();
        Assert.Equal(500, config.HeartbeatIntervalMs);
        Assert.Equal(1_500, config.AcceptableHeartbeatPauseMs);
        Assert.Equal(DowningStrategy.KeepMajority, config.DowningStrategy);
        Assert.Equal(ElectionMode.Leader, config.ElectionMode);

        // Crash suspected within 3 s: interval + pause + z(8) x min deviation.
        Assert.True(config.HeartbeatIntervalMs + config.AcceptableHeartbeatPauseMs + (5.3 * config.MinStdDeviationMs) <= 3_000);

        // A new leader within 5 s: voters wait lease + margin after the last contact.
        Assert.True(config.VoterWaitMs + config.VoteTimeoutMs < 5_000);

        // A 1.5 s leader pause keeps the lease: one interval plus the pause is shorter than the lease.
        Assert.True(config.HeartbeatIntervalMs + 1_500 < config.LeaseMs);
    }

    [Theory]
    [InlineData("keep-majority", DowningStrategy.KeepMajority)]
    [InlineData("Keep-Oldest", DowningStrategy.KeepOldest)]
    [InlineData(" off ", DowningStrategy.Off)]
    public void Strategy_names_parse(string name, DowningStrategy expected)
    {
        var options = Valid();
        options.Downing.Strategy = name;
        Assert.Equal(expected, options.ToConfig().DowningStrategy);
    }

    [Fact]
    public void Empty_or_malformed_seed_nodes_are_named()
    {
        Assert.Contains("peersync.cluster.seed-nodes is empty", Error(o => o.SeedNodes.Clear()), StringComparison.Ordinal);
        Assert.Contains("peersync.cluster.seed-nodes[1]", Error(o => o.SeedNodes[1] = "nohost"), StringComparison.Ordinal);
        Assert.Contains("listed twice", Error(o => o.SeedNodes[1] = "127.0.0.1:4053"), StringComparison.Ordinal);
    }

    [Fact]
    public void Acceptable_pause_must_exceed_the_heartbeat_interval()
    {
        var error = Error(o => o.FailureDetector.AcceptableHeartbeatPause = TimeSpan.FromMilliseconds(400));
        Assert.Contains("peersync.cluster.failure-detector.acceptable-heartbeat-pause (400 ms) must be longer than peersync.cluster.heartbeat-interval (500 ms)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Lease_must_cover_several_heartbeats_and_the_margin_must_cover_drift()
    {
        Assert.Contains("peersync.cluster.election.lease (1000 ms) must be at least 3 x", Error(o => o.Election.Lease = TimeSpan.FromSeconds(1)), StringComparison.Ordinal);
        Assert.Contains("peersync.cluster.election.lease-margin (10 ms) must be at least 2%", Error(o => o.Election.LeaseMargin = TimeSpan.FromMilliseconds(10)), StringComparison.Ordinal);
        Assert.Contains("vote-timeout", Error(o => o.Election.VoteTimeout = TimeSpan.FromSeconds(3)), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_key_is_reported_at_once()
    {
        var options = Valid();
        options.HeartbeatInterval = TimeSpan.Zero;
        options.FailureDetector.Threshold = -1;
        options.FailureDetector.MaxSampleSize = 1;
        options.Downing.Strategy = "coin-flip";
        options.Election.Mode = "anarchy";
        options.Join.SeedNodeTimeout = TimeSpan.Zero;
        var errors = Assert.Throws<ClusterConfigException>(options.ToConfig).Errors;
        Assert.Contains(errors, e => e.StartsWith("peersync.cluster.heartbeat-interval", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("peersync.cluster.failure-detector.threshold", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("peersync.cluster.failure-detector.max-sample-size", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("peersync.cluster.downing.strategy is 'coin-flip'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("peersync.cluster.election.mode is 'anarchy'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("peersync.cluster.join.seed-node-timeout", StringComparison.Ordinal));
    }

    [Fact]
    public void Static_quorum_needs_a_size()
    {
        Assert.Contains("static-quorum.size", Error(o => o.Downing.Strategy = "static-quorum"), StringComparison.Ordinal);
        var options = Valid();
        options.Downing.Strategy = "static-quorum";
        options.Downing.StaticQuorumSize = 2;
        Assert.Equal(2, options.ToConfig().StaticQuorumSize);
    }

    [Fact]
    public void Blank_name_and_blank_role_are_rejected()
    {
        Assert.Contains("peersync.cluster.name", Error(o => o.Name = " "), StringComparison.Ordinal);
        Assert.Contains("peersync.cluster.election.role", Error(o => o.Election.Role = "  "), StringComparison.Ordinal);
    }
}

using Microsoft.Extensions.DependencyInjection;
using PeerSync.Cluster.Election;
using PeerSync.Hosting.Configuration.Sources;
using PeerSync.Hosting.Options;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Options;

/// <summary>Validation at start: each section's own rules and the rules across sections, each naming its keys.</summary>
public sealed class ValidationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Minimal_node_is_valid()
    {
        Assert.Empty(TestSources.ValidationProblems(_dir, ""));
    }

    [Theory]
    [InlineData("peersync.node.id = \"\"", "peersync.node.id is not set")]
    [InlineData("peersync.node.id = \"n 1\"", "peersync.node.id: node id 'n 1' contains ' '")]
    [InlineData("peersync.node.roles = [hub, hub]", "peersync.node.roles[1]: 'hub' is listed twice")]
    [InlineData("peersync.node.roles = [\"a b\"]", "peersync.node.roles[0] is 'a b'")]
    [InlineData("peersync.remote.secret = \"\"", "peersync.remote.secret is not set")]
    [InlineData("peersync.remote.secret = short", "peersync.remote.secret has 5 characters")]
    [InlineData("peersync.remote.port = 70000", "peersync.remote.port is 70000")]
    [InlineData("peersync.cluster.seed-nodes = []", "peersync.cluster.seed-nodes is empty")]
    [InlineData("peersync.cluster.seed-nodes = [nohost]", "peersync.cluster.seed-nodes[0]:")]
    [InlineData("peersync.cluster { heartbeat-interval = 2s, failure-detector.acceptable-heartbeat-pause = 1s, election.lease = 10s }",
        "peersync.cluster.failure-detector.acceptable-heartbeat-pause (1000 ms) must be longer than peersync.cluster.heartbeat-interval (2000 ms)")]
    [InlineData("peersync.cluster.downing.strategy = random", "peersync.cluster.downing.strategy is 'random'")]
    [InlineData("peersync.sync { mode = leaderless, collections.orders.kind = sequenced }", "peersync.sync.collections.orders.kind is 'sequenced', which needs a leader")]
    [InlineData("peersync.sync { mode = leader, collections.orders.kind = sequenced }", "peersync.sync.collections.orders.kind is 'sequenced': sequenced collections are not available in this release")]
    [InlineData("peersync.sync.default-kind = weird", "peersync.sync.default-kind is 'weird'")]
    [InlineData("peersync.persistence.provider = mysql", "peersync.persistence.provider is 'mysql'; use sqlite, postgres, inmemory")]
    [InlineData("peersync.persistence.provider = postgres", "peersync.persistence.connection-string: is required for the postgres provider")]
    [InlineData("peersync.persistence { provider = postgres, connection-string = \"Host=db\", postgres.records-schema = Bad }", "peersync.persistence.postgres.records-schema: must be")]
    [InlineData("peersync.persistence.connection-string = \"Host=db\"", "peersync.persistence.connection-string is set but peersync.persistence.provider is sqlite")]
    [InlineData("peersync.persistence.sqlite.records-file-name = \"../x.db\"", "peersync.persistence.sqlite.records-file-name: must be a plain file name")]
    [InlineData("peersync.persistence.sqlite.busy-timeout = 1h", "peersync.persistence.sqlite.busy-timeout: must be between 0 and 600000 ms")]
    [InlineData("peersync.persistence.journal.max-batch-events = 0", "peersync.persistence.journal.max-batch-events: must be between 1 and 100000")]
    [InlineData("peersync.http.hostname = \"0.0.0.0\"", "peersync.http.token is empty but peersync.http.hostname is 0.0.0.0")]
    [InlineData("peersync.http.token = short", "peersync.http.token has 5 characters")]
    [InlineData("peersync.http { port = 4053 }", "peersync.http.port and peersync.remote.port are both 4053 on 127.0.0.1")]
    [InlineData("peersync { http { port = 4053, hostname = localhost }, remote.hostname = \"127.0.0.1\" }", "peersync.http.port and peersync.remote.port are both 4053")]
    [InlineData("peersync.http.max-body-size = 4MiB", "peersync.http.max-body-size (4194304 bytes) must be at least 64 KiB smaller than peersync.remote.max-frame-size")]
    [InlineData("peersync.http.max-body-size = 100", "peersync.http.max-body-size is 100 bytes")]
    [InlineData("peersync.http.request-timeout = 0s", "peersync.http.request-timeout is 00:00:00")]
    [InlineData("peersync.http.rate-limit.requests-per-second = -1", "peersync.http.rate-limit.requests-per-second is -1")]
    [InlineData("peersync.http.rate-limit.burst = 0", "peersync.http.rate-limit.burst is 0")]
    [InlineData("peersync.logging.file.retained-files = 0", "peersync.logging.file.retained-files is 0")]
    [InlineData("peersync.logging.file.max-size = 1KiB", "peersync.logging.file.max-size is 1024 bytes")]
    [InlineData("peersync.logging.recent.capacity = 0", "peersync.logging.recent.capacity is 0")]
    public void Validation_names_the_key_when_a_rule_is_broken(string hocon, string expected)
    {
        var problems = TestSources.ValidationProblems(_dir, hocon);

        Assert.True(problems.Any(p => p.StartsWith(expected, StringComparison.Ordinal)), $"expected '{expected}...' among:\n{string.Join("\n", problems)}");
    }

    [Theory]
    [InlineData("peersync { http { port = 4053, hostname = \"10.0.0.5\", token = \"0123456789abcdef\" }, remote.hostname = \"10.0.0.6\" }")]
    [InlineData("peersync { http { hostname = \"0.0.0.0\", token = \"0123456789abcdef\" } }")]
    [InlineData("peersync { http { hostname = \"::1\" } }")]
    [InlineData("peersync { http.port = 0, remote.port = 0 }")]
    [InlineData("peersync { persistence { provider = postgres, connection-string = \"Host=db;Username=u;Password=p\" } }")]
    public void Validation_accepts_the_configuration_when_the_rules_hold(string hocon)
    {
        Assert.Empty(TestSources.ValidationProblems(_dir, hocon));
    }

    [Fact]
    public void Invalid_sync_mode_is_reported_once_under_its_own_key()
    {
        var problems = TestSources.ValidationProblems(_dir, "peersync.sync.mode = leaderles");

        Assert.Equal(["peersync.sync.mode is 'leaderles'; use 'leader' or 'leaderless'"], problems);
    }

    [Fact]
    public void Sync_mode_decides_the_cluster_election_mode()
    {
        var file = _dir.Write("leaderless.conf", TestSources.ValidNode + "\npeersync.sync.mode = leaderless");

        var o = TestSources.Bind(TestSources.In(_dir, [file]));

        Assert.Equal(ElectionMode.Leaderless, o.ToClusterConfig().ElectionMode);
    }

    [Fact]
    public void Validation_reports_an_election_mode_set_in_code_that_differs_from_the_sync_mode()
    {
        var file = _dir.Write("node.conf", TestSources.ValidNode);
        var o = TestSources.Bind(TestSources.In(_dir, [file]));
        o.Cluster.Election.Mode = "leaderless";

        var problem = Assert.Single(o.Validate());

        Assert.StartsWith("Cluster.Election.Mode is 'leaderless' but peersync.sync.mode is 'leader'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureValid_throws_every_problem()
    {
        var o = new PeerSyncOptions();

        var e = Assert.Throws<PeerSyncOptionsException>(o.EnsureValid);

        Assert.Equal(o.Validate(), e.Problems);
        Assert.True(e.Problems.Count >= 3);
    }

    [Fact]
    public void AddPeerSyncOptions_registers_valid_options_and_refuses_invalid_ones_at_once()
    {
        var valid = _dir.Write("valid.conf", TestSources.ValidNode);
        var services = new ServiceCollection();

        services.AddPeerSyncOptions(PeerSyncConfiguration.Build(TestSources.In(_dir, [valid])));
        var invalid = Assert.Throws<PeerSyncOptionsException>(() =>
            new ServiceCollection().AddPeerSyncOptions(PeerSyncConfiguration.Build(TestSources.In(_dir))));

        using var provider = services.BuildServiceProvider();
        Assert.Equal("n1", provider.GetRequiredService<PeerSyncOptions>().Node.Id);
        Assert.Contains(invalid.Problems, p => p.StartsWith("peersync.node.id is not set", StringComparison.Ordinal));
    }
}

using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Configuration.Binding;
using PeerSync.Hosting.Options;
using PeerSync.Hosting.Tests.Configuration.Support;
using PeerSync.Persistence.Sqlite;

namespace PeerSync.Hosting.Tests.Options;

/// <summary>The binder: every setting type, every error naming its key, and structure mismatches.</summary>
public sealed class BinderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Binder_reads_every_setting_type_when_values_are_valid()
    {
        var file = _dir.Write("all.conf", """
            peersync {
              node { id = "n7", roles = [hub, edge], data-dir = "/tmp/n7" }
              remote { port = 4999, max-frame-size = 2MiB, send-queue-size = 3MiB, handshake-timeout = 1.5s, tls.enabled = on, tls.allowed-thumbprints = ["ab"] }
              cluster.failure-detector.threshold = 9.5
              cluster.downing.keep-oldest.down-if-alone = off
              cluster.downing.static-quorum.size = 3
              cluster.election.role = hub
              sync { collections { tags.kind = shared, locations.kind = owned }, backfill.page-size = 50 }
              persistence.sqlite.synchronous = NORMAL
              http { max-body-size = 512k, rate-limit.burst = 5 }
              logging {
                console { level = debug, format = json }
                overrides { "PeerSync.Remote" = trace }
                overrides.PeerSync.Cluster = error
              }
            }
            """);

        var o = TestSources.Bind(TestSources.In(_dir, [file]));

        Assert.Equal("n7", o.Node.Id);
        Assert.Equal(["hub", "edge"], o.Node.Roles);
        Assert.Equal("/tmp/n7", o.Node.ResolveDataDir());
        Assert.Equal(4999, o.Remote.Port);
        Assert.Equal(2 << 20, o.Remote.MaxFrameSizeBytes);
        Assert.Equal(3L << 20, o.Remote.SendQueueSizeBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), o.Remote.HandshakeTimeout);
        Assert.True(o.Remote.Tls.Enabled);
        Assert.Equal(["ab"], o.Remote.Tls.AllowedThumbprints);
        Assert.Equal(9.5, o.Cluster.FailureDetector.Threshold);
        Assert.False(o.Cluster.Downing.KeepOldestDownIfAlone);
        Assert.Equal(3, o.Cluster.Downing.StaticQuorumSize);
        Assert.Equal("hub", o.Cluster.Election.Role);
        Assert.Equal("owned", o.Sync.Collections["locations"].Kind);
        Assert.Equal("shared", o.Sync.Collections["tags"].Kind);
        Assert.Equal(50, o.Sync.BackfillPageSize);
        Assert.Equal(SqliteSynchronous.Normal, o.Persistence.SqliteSynchronous);
        Assert.Equal(512 * 1024, o.Http.MaxBodySizeBytes);
        Assert.Equal(5, o.Http.RateLimit.Burst);
        Assert.Equal(LogLevel.Debug, o.Logging.Console.Level);
        Assert.Equal(ConsoleLogFormat.Json, o.Logging.Console.Format);
        Assert.Equal(LogLevel.Trace, o.Logging.Overrides["PeerSync.Remote"]);
        Assert.Equal(LogLevel.Error, o.Logging.Overrides["PeerSync.Cluster"]);
        Assert.Equal(LogLevel.Warning, o.Logging.Overrides["Microsoft.AspNetCore"]);
    }

    [Theory]
    [InlineData("peersync.cluster.heartbeat-interval = 3 parsecs", "peersync.cluster.heartbeat-interval: '3 parsecs' is not a duration")]
    [InlineData("peersync.remote.port = 40x", "peersync.remote.port: '40x' is not a whole number")]
    [InlineData("peersync.remote.port = 4053.5", "peersync.remote.port: '4053.5' is not a whole number")]
    [InlineData("peersync.remote.port = 99999999999", "peersync.remote.port: '99999999999' is out of range")]
    [InlineData("peersync.remote.max-frame-size = 4 parsecs", "peersync.remote.max-frame-size: '4 parsecs' is not a size")]
    [InlineData("peersync.remote.link.jitter-seed = -1", "peersync.remote.link.jitter-seed: '-1' is not a whole number from 0 to 18446744073709551615")]
    [InlineData("peersync.remote.max-frame-size = 3GiB", "peersync.remote.max-frame-size: '3GiB' is too large")]
    [InlineData("peersync.remote.tls.enabled = maybe", "peersync.remote.tls.enabled: 'maybe' is not a boolean")]
    [InlineData("peersync.cluster.failure-detector.threshold = high", "peersync.cluster.failure-detector.threshold: 'high' is not a number")]
    [InlineData("peersync.logging.console.level = loud", "peersync.logging.console.level: 'loud' is not one of trace, debug, information")]
    [InlineData("peersync.logging.console.format = xml", "peersync.logging.console.format: 'xml' is not one of human, json")]
    [InlineData("peersync.persistence.sqlite.synchronous = sometimes", "peersync.persistence.sqlite.synchronous: 'sometimes' is not one of off, normal, full, extra")]
    [InlineData("peersync.logging.overrides.\"PeerSync.Remote\" = chatty", "peersync.logging.overrides.\"PeerSync.Remote\": 'chatty' is not one of")]
    public void Binder_names_the_full_key_when_a_value_is_bad(string hocon, string expected)
    {
        var problems = TestSources.Problems(_dir, hocon);

        var problem = Assert.Single(problems);
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
        Assert.Contains("(set at test.conf:1:", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Binder_names_the_key_of_every_typed_setting_when_its_value_is_garbage()
    {
        // Every setting that is not free text must refuse nonsense, and say which key it was.
        var typed = PeerSyncSchema.Root.Descendants().OfType<IScalarSetting>().Where(s => s.Expected != "text").ToList();
        Assert.NotEmpty(typed);
        foreach (var setting in typed)
        {
            TestSources.BindMemory(out var problems, (setting.Path.Replace('.', ':'), "§nonsense§"));

            var problem = Assert.Single(problems);
            Assert.StartsWith(setting.Path + ": '§nonsense§'", problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("peersync.remote = 5", "peersync.remote: expected a section with hostname, port")]
    [InlineData("peersync.remote.port { a = 1 }", "peersync.remote.port: expected a whole number, found a section (with a)")]
    [InlineData("peersync.remote.port = [1, 2]", "peersync.remote.port: expected a whole number, found a list")]
    [InlineData("peersync.node.roles = hub", "peersync.node.roles: expected a list such as [a, b], found 'hub'")]
    [InlineData("peersync.node.roles { a = b }", "peersync.node.roles: expected a list such as [a, b], found a section with the key 'a'")]
    [InlineData("peersync.node.roles = [[a]]", "peersync.node.roles: element 0 must be text, found a section")]
    [InlineData("peersync.sync.collections = shared", "peersync.sync.collections: expected a section such as { tags { kind = shared } }")]
    [InlineData("peersync.sync.collections.tags = shared", "peersync.sync.collections.tags: expected a section such as tags { kind = shared }, found 'shared'")]
    [InlineData("peersync.sync.collections.tags.knd = shared", "peersync.sync.collections.tags.knd: unknown setting; a collection has only 'kind'")]
    [InlineData("peersync = 1", "peersync: expected a section of settings, found '1'")]
    public void Binder_reports_the_shape_when_a_value_has_the_wrong_structure(string hocon, string expected)
    {
        var problem = Assert.Single(TestSources.Problems(_dir, hocon));

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Binder_reports_a_gap_when_list_elements_are_not_numbered_from_zero()
    {
        TestSources.BindMemory(out var problems, ("peersync:node:roles:1", "hub"));

        Assert.Equal("peersync.node.roles: element 0 is missing (elements are numbered from 0 without gaps)", Assert.Single(problems));
    }

    [Theory]
    [InlineData("peersync.remote.prot = 1", "peersync.remote.prot: unknown setting; did you mean peersync.remote.port?")]
    [InlineData("peersync.remote.hostnmae = x", "peersync.remote.hostnmae: unknown setting; did you mean peersync.remote.hostname?")]
    [InlineData("peersync.heartbeat-interval = 1s", "peersync.heartbeat-interval: unknown setting; did you mean peersync.cluster.heartbeat-interval?")]
    [InlineData("peersync.remote.seed-nodes = []", "peersync.remote.seed-nodes: unknown setting; did you mean peersync.cluster.seed-nodes?")]
    [InlineData("peersync.clutser.name = x", "peersync.clutser: unknown setting; did you mean peersync.cluster?")]
    [InlineData("peersync.sync.colections.tags.kind = owned", "peersync.sync.colections: unknown setting; did you mean peersync.sync.collections?")]
    [InlineData("peersync.http.zzzzzzzz = 1", "peersync.http.zzzzzzzz: unknown setting; the settings here are hostname, port, token, max-body-size, request-timeout, rate-limit")]
    public void Binder_refuses_an_unknown_key_and_suggests_the_closest_one(string hocon, string expected)
    {
        var problem = Assert.Single(TestSources.Problems(_dir, hocon));

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Binder_refuses_the_cluster_election_mode_when_set_and_points_to_the_sync_mode()
    {
        var problem = Assert.Single(TestSources.Problems(_dir, "peersync.cluster.election.mode = leaderless"));

        Assert.StartsWith("peersync.cluster.election.mode: not a setting: the mode is peersync.sync.mode", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Binder_copies_the_sync_mode_to_the_election_when_the_mode_is_valid()
    {
        var o = TestSources.BindMemory(out var problems, ("peersync:sync:mode", "Leaderless"));

        Assert.Empty(problems);
        Assert.Equal("leaderless", o.Cluster.Election.Mode);
    }

    [Fact]
    public void Binder_ignores_keys_outside_peersync_because_they_belong_to_the_host()
    {
        var o = TestSources.BindMemory(out var problems, ("Logging:LogLevel:Default", "Debug"), ("AllowedHosts", "*"), ("peersync:node:id", "n1"));

        Assert.Empty(problems);
        Assert.Equal("n1", o.Node.Id);
    }

    [Fact]
    public void Binder_matches_keys_ignoring_case_as_configuration_does()
    {
        var o = TestSources.BindMemory(out var problems, ("PeerSync:Remote:Port", "4100"), ("PEERSYNC:HTTP:RATE-LIMIT:BURST", "9"));

        Assert.Empty(problems);
        Assert.Equal(4100, o.Remote.Port);
        Assert.Equal(9, o.Http.RateLimit.Burst);
    }

    [Fact]
    public void Binder_keeps_the_default_when_json_sets_a_value_to_null()
    {
        var file = _dir.Write("port.conf", "peersync.remote.port = 4100");
        _dir.Write("appsettings.json", """{ "peersync": { "remote": { "port": null } } }""");

        var o = TestSources.Bind(TestSources.In(_dir, [file]));

        Assert.Equal(4053, o.Remote.Port);
    }

    [Fact]
    public void Binder_keeps_the_default_when_a_value_is_null()
    {
        var o = TestSources.BindMemory(out var problems, ("peersync:remote:port", null));

        Assert.Empty(problems);
        Assert.Equal(4053, o.Remote.Port);
    }

    [Fact]
    public void Binder_removes_a_default_log_override_when_it_is_null()
    {
        var o = TestSources.BindMemory(out var problems, ("peersync:logging:overrides:Microsoft.AspNetCore", null));

        Assert.Empty(problems);
        Assert.Empty(o.Logging.Overrides);
    }

    [Fact]
    public void Binder_reports_every_problem_when_several_values_are_bad()
    {
        var problems = TestSources.Problems(_dir, "peersync { remote.port = x, http.port = y, remote.bogus = 1 }");

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("peersync.remote.port:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("peersync.http.port:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("peersync.remote.bogus:", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_throws_the_problems_when_binding_fails()
    {
        var file = _dir.Write("bad.conf", "peersync.remote.port = x");

        var e = Assert.Throws<PeerSyncOptionsException>(() => TestSources.Bind(TestSources.In(_dir, [file])));

        Assert.StartsWith("peersync.remote.port:", Assert.Single(e.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_settings_that_are_null_when_unset_become_null_when_empty()
    {
        var o = TestSources.BindMemory(out _, ("peersync:remote:tls:certificate-path", ""), ("peersync:cluster:election:role", ""));

        Assert.Null(o.Remote.Tls.CertificatePath);
        Assert.Null(o.Cluster.Election.Role);
    }
}

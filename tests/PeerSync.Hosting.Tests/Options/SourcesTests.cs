using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Configuration.Sources;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Options;

/// <summary>Environment variables and --set arguments: mapping, parsing, and errors that name the variable or argument.</summary>
public sealed class SourcesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Environment_maps_double_underscores_to_levels_and_single_ones_to_hyphens()
    {
        var o = Bind(environment:
        [
            ("PEERSYNC__REMOTE__PORT", "4060"),
            ("PEERSYNC__CLUSTER__FAILURE_DETECTOR__ACCEPTABLE_HEARTBEAT_PAUSE", "2s"),
            ("peersync__http__rate_limit__burst", "7"),
            ("PEERSYNC__NODE__ROLES__0", "hub"),
            ("PEERSYNC__NODE__ROLES__1", "edge"),
            ("PEERSYNC__LOGGING__OVERRIDES__PeerSync__Remote", "debug"),
            ("PEERSYNC_SECRET", "not a setting: one underscore"),
            ("HOME", "/root"),
        ]);

        Assert.Equal(4060, o.Remote.Port);
        Assert.Equal(TimeSpan.FromSeconds(2), o.Cluster.FailureDetector.AcceptableHeartbeatPause);
        Assert.Equal(7, o.Http.RateLimit.Burst);
        Assert.Equal(["hub", "edge"], o.Node.Roles);
        Assert.Equal(LogLevel.Debug, o.Logging.Overrides["PeerSync.Remote"]);
    }

    [Fact]
    public void Environment_values_are_plain_text_so_secrets_keep_every_character()
    {
        var o = Bind(environment: [("PEERSYNC__REMOTE__SECRET", "a#b//c, [d] ${e}")]);

        Assert.Equal("a#b//c, [d] ${e}", o.Remote.Secret);
    }

    [Fact]
    public void Environment_names_the_variable_when_its_key_is_unknown()
    {
        var e = Assert.Throws<PeerSync.Hosting.Options.PeerSyncOptionsException>(() => Bind(environment: [("PEERSYNC__REMOTE__PROT", "1")]));

        Assert.Equal("peersync.remote.PROT: unknown setting; did you mean peersync.remote.port? (set at environment variable PEERSYNC__REMOTE__PROT)", Assert.Single(e.Problems));
    }

    [Fact]
    public void Environment_refuses_an_empty_level_in_a_variable_name()
    {
        var e = Assert.Throws<PeerSyncConfigurationException>(() => Bind(environment: [("PEERSYNC__REMOTE____PORT", "1")]));

        Assert.StartsWith("environment variable PEERSYNC__REMOTE____PORT: empty key level", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_parses_values_as_hocon()
    {
        var o = Bind(sets:
        [
            "peersync.node.roles=[a,b]",
            "peersync.remote.secret=\"has # and // and spaces\"",
            "peersync.remote.port = 4070",
            "peersync.cluster.heartbeat-interval=250ms",
            "peersync.sync.collections={ places.kind = owned }",
            "peersync.http.token=",
            "peersync.cluster.name=first",
            "peersync.cluster.name=second",
        ]);

        Assert.Equal(["a", "b"], o.Node.Roles);
        Assert.Equal("has # and // and spaces", o.Remote.Secret);
        Assert.Equal(4070, o.Remote.Port);
        Assert.Equal(TimeSpan.FromMilliseconds(250), o.Cluster.HeartbeatInterval);
        Assert.Equal("owned", o.Sync.Collections["places"].Kind);
        Assert.Equal("", o.Http.Token);
        Assert.Equal("second", o.Cluster.Name);
    }

    [Fact]
    public void Set_substitutes_environment_variables()
    {
        var o = Bind(sets: ["peersync.remote.secret=${?SECRET}"], environment: [("SECRET", "from-the-environment")]);

        Assert.Equal("from-the-environment", o.Remote.Secret);
    }

    [Theory]
    [InlineData("peersync.remote.port", "--set 'peersync.remote.port': expected key=value")]
    [InlineData("=4053", "--set '=4053': expected key=value")]
    [InlineData("remote.port=4053", "--set 'remote.port=4053': the key must start with peersync.")]
    [InlineData("peersync.node.roles=[a,", "--set 'peersync.node.roles=[a,': ")]
    [InlineData("peersync.remote.secret=\"open", "--set 'peersync.remote.secret=\"open': ")]
    public void Set_names_the_argument_when_it_is_malformed(string argument, string expected)
    {
        var e = Assert.Throws<PeerSyncConfigurationException>(() => Bind(sets: ["peersync.node.id=ok", argument]));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Set_reports_the_column_of_a_parse_error()
    {
        var e = Assert.Throws<PeerSyncConfigurationException>(() => Bind(sets: ["peersync.node.roles=[a,"]));

        Assert.Matches(@"\(column \d+\)$", e.Message);
    }

    [Fact]
    public void Set_names_itself_as_the_origin_of_a_bad_value()
    {
        var e = Assert.Throws<PeerSync.Hosting.Options.PeerSyncOptionsException>(() => Bind(sets: ["peersync.node.id=n1", "peersync.remote.port=x"]));

        Assert.EndsWith("(set at --set peersync.remote.port=x)", Assert.Single(e.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Hocon_file_parse_error_names_the_file_line_and_column()
    {
        var file = _dir.Write("conf/broken.conf", "peersync {\n  node.id = n1\n  remote { port = [1, }\n}\n");

        var e = Assert.Throws<PeerSyncConfigurationException>(() => PeerSyncConfiguration.Build(TestSources.In(_dir, [file])));

        Assert.StartsWith("conf/broken.conf:3:23: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_config_file_is_named_with_its_full_path()
    {
        var e = Assert.Throws<PeerSyncConfigurationException>(() => PeerSyncConfiguration.Build(TestSources.In(_dir, ["nope.conf"])));

        Assert.Equal($"--config nope.conf: the file '{Path.Combine(_dir.Path, "nope.conf")}' does not exist", e.Message);
    }

    [Fact]
    public void Appsettings_json_syntax_error_names_the_file_line_and_column()
    {
        _dir.Write("appsettings.json", "{\n  \"peersync\": { \"node\": { \"id\": } }\n}\n");

        var e = Assert.Throws<PeerSyncConfigurationException>(() => PeerSyncConfiguration.Build(TestSources.In(_dir)));

        Assert.StartsWith($"{Path.Combine(_dir.Path, "appsettings.json")}:2:", e.Message, StringComparison.Ordinal);
        Assert.Contains("invalid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_value_in_a_file_names_the_file_line_and_column_where_it_was_set()
    {
        var file = _dir.Write("node.conf", "peersync {\n  cluster {\n    heartbeat-interval = 3 parsecs\n  }\n}\n");

        var e = Assert.Throws<PeerSync.Hosting.Options.PeerSyncOptionsException>(() => TestSources.Bind(TestSources.In(_dir, [file])));

        var problem = Assert.Single(e.Problems);
        Assert.StartsWith("peersync.cluster.heartbeat-interval: '3 parsecs' is not a duration", problem, StringComparison.Ordinal);
        Assert.EndsWith("(set at node.conf:3:26)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_value_in_appsettings_json_names_the_file()
    {
        _dir.Write("appsettings.json", """{ "peersync": { "remote": { "port": "x" } } }""");

        var e = Assert.Throws<PeerSync.Hosting.Options.PeerSyncOptionsException>(() => TestSources.Bind(TestSources.In(_dir)));

        Assert.EndsWith($"(set at {Path.Combine(_dir.Path, "appsettings.json")})", Assert.Single(e.Problems), StringComparison.Ordinal);
    }

    private Hosting.Options.PeerSyncOptions Bind(string[]? sets = null, (string, string)[]? environment = null) =>
        TestSources.Bind(TestSources.In(_dir, null, sets, environment ?? []));
}

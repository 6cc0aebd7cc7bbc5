using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Options;

/// <summary>reference &lt; --config files (in order) &lt; appsettings.json &lt; environment &lt; --set.</summary>
public sealed class PrecedenceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Later_sources_win_and_earlier_ones_show_through_where_later_ones_are_silent()
    {
        // Each layer sets one key more than the layer above it; every key ends up from the highest layer that set it.
        var first = _dir.Write("first.conf", "peersync { remote.port = 1001, http.port = 2001, cluster.name = a1, node.id = f1, sync.max-batch = 11 }");
        var second = _dir.Write("second.conf", "peersync { remote.port = 1002, http.port = 2002, cluster.name = a2, node.id = f2 }");
        _dir.Write("appsettings.json", """{ "peersync": { "remote": { "port": 1003 }, "http": { "port": 2003 }, "cluster": { "name": "a3" } } }""");
        var sources = TestSources.In(
            _dir,
            [first, second],
            ["peersync.remote.port=1005"],
            ("PEERSYNC__REMOTE__PORT", "1004"), ("PEERSYNC__HTTP__PORT", "2004"));

        var o = TestSources.Bind(sources);

        Assert.Equal(1005, o.Remote.Port);          // --set
        Assert.Equal(2004, o.Http.Port);            // environment
        Assert.Equal("a3", o.Cluster.Name);         // appsettings.json
        Assert.Equal("f2", o.Node.Id);              // the second file
        Assert.Equal(11, o.Sync.MaxBatch);          // the first file
        Assert.Equal(TimeSpan.FromMilliseconds(500), o.Cluster.HeartbeatInterval); // reference
    }

    [Fact]
    public void Highest_source_defines_a_whole_list_when_lower_sources_have_longer_lists()
    {
        var file = _dir.Write("seeds.conf", """peersync.cluster.seed-nodes = ["a:1", "b:2", "c:3"]""");

        var fromEnvironment = TestSources.Bind(TestSources.In(_dir, [file], environment: ("PEERSYNC__CLUSTER__SEED_NODES__0", "z:9")));
        var fromSet = TestSources.Bind(TestSources.In(_dir, [file], ["peersync.cluster.seed-nodes=[\"y:8\"]"]));
        var emptied = TestSources.Bind(TestSources.In(_dir, [file], ["peersync.cluster.seed-nodes=[]"]));

        Assert.Equal(["z:9"], fromEnvironment.Cluster.SeedNodes);
        Assert.Equal(["y:8"], fromSet.Cluster.SeedNodes);
        Assert.Empty(emptied.Cluster.SeedNodes);
    }

    [Fact]
    public void Later_file_replaces_a_list_and_merges_sections_as_hocon_does()
    {
        var first = _dir.Write("a.conf", "peersync { node.roles = [a, b], sync.collections { tags.kind = owned } }");
        var second = _dir.Write("b.conf", "peersync { node.roles = [c], sync.collections { places.kind = owned } }");

        var o = TestSources.Bind(TestSources.In(_dir, [first, second]));

        Assert.Equal(["c"], o.Node.Roles);
        Assert.Equal(["places", "tags"], o.Sync.Collections.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Substitution_in_a_later_file_sees_earlier_files_and_the_environment()
    {
        var first = _dir.Write("base.conf", "peersync { node.id = n4, remote.port = 4100 }");
        var second = _dir.Write("node.conf", "peersync { node.data-dir = \"/srv/\"${peersync.node.id}, http.port = ${?HTTP_PORT} }");

        var o = TestSources.Bind(TestSources.In(_dir, [first, second], environment: ("HTTP_PORT", "8100")));

        Assert.Equal("/srv/n4", o.Node.DataDir);
        Assert.Equal(8100, o.Http.Port);
    }

    [Fact]
    public void Relative_config_paths_resolve_against_the_base_directory()
    {
        _dir.Write("conf/node.conf", "peersync.node.id = rel");

        var o = TestSources.Bind(TestSources.In(_dir, ["conf/node.conf"]));

        Assert.Equal("rel", o.Node.Id);
    }

    [Fact]
    public void Appsettings_json_is_ignored_when_turned_off()
    {
        _dir.Write("appsettings.json", """{ "peersync": { "remote": { "port": 1003 } } }""");

        var o = TestSources.Bind(TestSources.In(_dir) with { UseAppSettings = false });

        Assert.Equal(4053, o.Remote.Port);
    }

    [Fact]
    public void Appsettings_json_uses_the_same_keys_as_hocon()
    {
        _dir.Write("appsettings.json", """
            { "peersync": { "node": { "roles": ["hub"] }, "cluster": { "failure-detector": { "acceptable-heartbeat-pause": "2s" } },
                            "remote": { "tls": { "enabled": true } } } }
            """);

        var o = TestSources.Bind(TestSources.In(_dir));

        Assert.Equal(["hub"], o.Node.Roles);
        Assert.Equal(TimeSpan.FromSeconds(2), o.Cluster.FailureDetector.AcceptableHeartbeatPause);
        Assert.True(o.Remote.Tls.Enabled);
    }

    [Fact]
    public void Empty_list_in_a_later_source_empties_the_list()
    {
        var file = _dir.Write("roles.conf", "peersync.node.roles = [a, b]");
        _dir.Write("appsettings.json", """{ "peersync": { "node": { "roles": [] }, "sync": { "collections": { "places": {} } }, "logging": { "overrides": {} } } }""");

        var o = TestSources.Bind(TestSources.In(_dir, [file]));

        Assert.Empty(o.Node.Roles);
        Assert.Equal("shared", o.Sync.Collections["places"].Kind);
    }

    [Fact]
    public void Hocon_null_in_a_later_file_means_not_set_so_the_default_applies()
    {
        var first = _dir.Write("a.conf", "peersync.remote.port = 4100");
        var second = _dir.Write("b.conf", "peersync.remote.port = null");

        var o = TestSources.Bind(TestSources.In(_dir, [first, second]));

        Assert.Equal(4053, o.Remote.Port);
    }
}

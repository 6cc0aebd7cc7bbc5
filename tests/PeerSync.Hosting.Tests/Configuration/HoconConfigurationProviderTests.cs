using Microsoft.Extensions.Configuration;
using PeerSync.Hosting.Configuration;
using PeerSync.Hosting.Configuration.Hocon;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Configuration;

/// <summary>HOCON as a Microsoft.Extensions.Configuration source: keys, layering, files, errors.</summary>
public sealed class HoconConfigurationProviderTests : IDisposable
{
    private const string NodeConf = """
        peersync {
          node.id = "n1"
          node.roles = []
          remote { hostname = "127.0.0.1", port = 4053, max-frame-size = 4MiB, tls.enabled = off }
          cluster {
            seed-nodes = ["127.0.0.1:4053", "127.0.0.1:4054"]
            failure-detector { threshold = 8.0, acceptable-heartbeat-pause = 3s }
          }
          sync.batch-window = 100ms
          persistence.connection-string = null
        }
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Keys_are_joined_with_colons_and_keep_hyphens_when_flattened()
    {
        var data = new ConfigurationBuilder().AddHoconString(NodeConf).Build().AsEnumerable()
            .Where(p => p.Value is not null)
            .ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["peersync:node:id"] = "n1",
                ["peersync:remote:hostname"] = "127.0.0.1",
                ["peersync:remote:port"] = "4053",
                ["peersync:remote:max-frame-size"] = "4MiB",
                ["peersync:remote:tls:enabled"] = "off",
                ["peersync:cluster:seed-nodes:0"] = "127.0.0.1:4053",
                ["peersync:cluster:seed-nodes:1"] = "127.0.0.1:4054",
                ["peersync:cluster:failure-detector:threshold"] = "8.0",
                ["peersync:cluster:failure-detector:acceptable-heartbeat-pause"] = "3s",
                ["peersync:sync:batch-window"] = "100ms",
            },
            data);
    }

    [Fact]
    public void Keys_are_found_whatever_their_case_when_read_through_configuration()
    {
        var config = new ConfigurationBuilder().AddHoconString(NodeConf).Build();

        Assert.Equal("4053", config["PEERSYNC:Remote:PORT"]);
        Assert.Equal(["127.0.0.1:4053", "127.0.0.1:4054"], config.GetSection("peersync:cluster:seed-nodes").Get<string[]>()!);
    }

    [Fact]
    public void Empty_array_is_a_key_with_a_null_value_when_flattened_like_the_json_provider()
    {
        var data = HoconConfigurationKeys.Flatten(Hocon.Parse("roles = [], o {}, n = null"));

        Assert.Equal(new Dictionary<string, string?> { ["roles"] = null, ["o"] = null }, data);
    }

    [Fact]
    public void Null_array_element_keeps_its_index_when_flattened()
    {
        var config = new ConfigurationBuilder().AddHoconString("a = [x, null, y]").Build();

        var values = config.GetSection("a").Get<string?[]>()!;

        Assert.Equal(3, values.Length);
        Assert.Equal(("x", null, "y"), (values[0], values[1], values[2]));
    }

    [Fact]
    public void Null_value_lets_an_earlier_source_show_through_when_sources_are_layered()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["peersync:persistence:connection-string"] = "Data Source=x", ["a"] = "1" })
            .AddHoconString(NodeConf + "\na = 2")
            .Build();

        Assert.Equal(("Data Source=x", "2"), (config["peersync:persistence:connection-string"], config["a"]));
    }

    [Fact]
    public void Later_source_overrides_hocon_when_it_sets_the_same_key_in_another_case()
    {
        var config = new ConfigurationBuilder()
            .AddHoconString(NodeConf)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["PEERSYNC:REMOTE:PORT"] = "5000" })
            .Build();

        Assert.Equal("5000", config["peersync:remote:port"]);
    }

    [Fact]
    public void Options_bind_hyphenated_keys_when_properties_name_them()
    {
        var options = new ConfigurationBuilder().AddHoconString(NodeConf).Build()
            .GetSection("peersync:sync").Get<SyncSection>();

        Assert.Equal("100ms", options?.BatchWindow);
    }

    [Fact]
    public void Keys_differing_only_in_case_are_an_error_naming_both_when_flattened()
    {
        var error = Assert.Throws<HoconParseException>(() =>
            new ConfigurationBuilder().AddHoconString("a { port = 1 }\nA.Port = 2", "node.conf").Build());

        Assert.Equal(("node.conf", 2, 10), (error.File, error.Line, error.Column));
        Assert.Equal("'A:Port' and 'a:port' (defined at node.conf:1:12) are the same configuration key, because configuration keys ignore case and read ':' as nesting; rename one of them", error.Problem);
    }

    [Fact]
    public void File_source_reads_the_file_and_its_includes_when_the_path_is_relative_to_the_base_path()
    {
        _dir.Write("hocon/node1.conf", "include \"reference.conf\"\npeersync.remote.port = 4054");
        _dir.Write("hocon/reference.conf", "peersync.remote { hostname = \"127.0.0.1\", port = 4053 }");

        var config = new ConfigurationBuilder().SetBasePath(_dir.Path).AddHoconFile("hocon/node1.conf").Build();

        Assert.Equal(("127.0.0.1", "4054"), (config["peersync:remote:hostname"], config["peersync:remote:port"]));
    }

    [Fact]
    public void Missing_required_file_is_an_error_naming_the_full_path_when_built()
    {
        var builder = new ConfigurationBuilder().SetBasePath(_dir.Path).AddHoconFile("missing.conf");

        var error = Assert.Throws<FileNotFoundException>(() => builder.Build());

        Assert.Equal(Path.Combine(_dir.Path, "missing.conf"), error.FileName);
        Assert.Contains(Path.Combine(_dir.Path, "missing.conf"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_optional_file_adds_no_keys_when_built()
    {
        var config = new ConfigurationBuilder().SetBasePath(_dir.Path).AddHoconFile("missing.conf", optional: true).Build();

        Assert.Empty(config.AsEnumerable());
    }

    [Fact]
    public void Invalid_optional_file_is_still_an_error_when_it_exists()
    {
        var path = _dir.Write("bad.conf", "a = {");

        var error = Assert.Throws<HoconParseException>(() => new ConfigurationBuilder().AddHoconFile(path, optional: true).Build());

        Assert.Equal((path, 1, 5), (error.File, error.Line, error.Column));
    }

    [Fact]
    public void Reload_reads_the_file_again_when_it_has_changed()
    {
        var path = _dir.Write("node.conf", "port = 1");
        var config = new ConfigurationBuilder().AddHoconFile(path).Build();
        File.WriteAllText(path, "port = 2");

        config.Reload();

        Assert.Equal("2", config["port"]);
    }

    [Fact]
    public void Source_uses_the_injected_environment_when_configured()
    {
        var config = new ConfigurationBuilder()
            .AddHocon(source =>
            {
                source.Text = "secret = ${PEERSYNC_SECRET}";
                source.ParseOptions = new HoconParseOptions { EnvironmentLookup = FakeEnvironment.Of(("PEERSYNC_SECRET", "s3")) };
            })
            .Build();

        Assert.Equal("s3", config["secret"]);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("a.conf", "a = 1")]
    public void Source_is_an_error_when_it_has_not_exactly_one_of_path_and_text(string? path, string? text)
    {
        var builder = new ConfigurationBuilder().AddHocon(source =>
        {
            source.Path = path;
            source.Text = text;
        });

        Assert.Throws<InvalidOperationException>(() => builder.Build());
    }

    [Fact]
    public void Provider_names_its_file_when_printed_in_a_debug_view()
    {
        var path = _dir.Write("node.conf", "a = 1");

        var root = (IConfigurationRoot)new ConfigurationBuilder().AddHoconFile(path).Build();

        Assert.Equal($"HoconConfigurationProvider for '{path}' (Required)", root.Providers.Single().ToString());
    }

    private sealed class SyncSection
    {
        [ConfigurationKeyName("batch-window")]
        public string? BatchWindow { get; set; }
    }
}

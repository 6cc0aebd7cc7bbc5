using Microsoft.Extensions.Configuration;
using PeerSync.Hosting.Configuration;
using PeerSync.Hosting.Configuration.Hocon;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Configuration;

/// <summary>
/// A node file over a reference file (testdata/hocon/cluster), read the way the node reads its
/// configuration: through Microsoft.Extensions.Configuration, with durations and sizes parsed by
/// the HOCON helpers.
/// </summary>
public sealed class HoconExampleConfigurationTests
{
    private static IConfiguration Load(params (string Name, string Value)[] environment) =>
        new ConfigurationBuilder()
            .AddHocon(source =>
            {
                source.Path = Path.Combine(RepositoryPaths.TestData, "cluster", "node1.conf");
                source.ParseOptions = new HoconParseOptions { EnvironmentLookup = FakeEnvironment.Of(environment) };
            })
            .Build();

    [Fact]
    public void Node_file_overrides_and_extends_the_reference_when_layered_by_include()
    {
        var config = Load(("PEERSYNC_SECRET", "s3cr3t"));

        Assert.Equal("n1", config["peersync:node:id"]);
        Assert.Equal("data/n1", config["peersync:node:data-dir"]);
        Assert.Equal(["hub"], config.GetSection("peersync:node:roles").Get<string[]>()!);
        Assert.Equal("127.0.0.1", config["peersync:remote:hostname"]);
        Assert.Equal("4054", config["peersync:remote:port"]);
        Assert.Equal("s3cr3t", config["peersync:remote:secret"]);
        Assert.Equal(["127.0.0.1:4053", "127.0.0.1:4054"], config.GetSection("peersync:cluster:seed-nodes").Get<string[]>()!);
        Assert.Equal("owned", config["peersync:sync:collections:locations:kind"]);
    }

    [Fact]
    public void Optional_secret_is_absent_when_the_environment_variable_is_not_set()
    {
        var config = Load();

        Assert.Null(config["peersync:remote:secret"]);
    }

    [Fact]
    public void Durations_sizes_and_booleans_parse_when_read_from_configuration()
    {
        var config = Load();

        Assert.Equal(TimeSpan.FromMilliseconds(100), HoconDuration.Parse(config["peersync:sync:batch-window"]!));
        Assert.Equal(TimeSpan.FromSeconds(1), HoconDuration.Parse(config["peersync:cluster:heartbeat-interval"]!));
        Assert.Equal(TimeSpan.FromSeconds(5), HoconDuration.Parse(config["peersync:cluster:failure-detector:acceptable-heartbeat-pause"]!));
        Assert.Equal(4L << 20, ByteSize.Parse(config["peersync:remote:max-frame-size"]!));
        Assert.False(HoconBoolean.Parse(config["peersync:remote:tls:enabled"]!));
    }
}

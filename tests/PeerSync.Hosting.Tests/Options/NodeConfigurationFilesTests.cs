using PeerSync.Hosting.Options;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Options;

/// <summary>The shipped node files: a valid local three-node cluster, and the docker file fed by the environment.</summary>
public sealed class NodeConfigurationFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<int> Nodes => new() { 1, 2, 3 };

    [Theory]
    [MemberData(nameof(Nodes))]
    public void Node_file_binds_and_validates_as_a_loopback_cluster_member(int node)
    {
        var o = Load($"node{node}.conf");

        Assert.Empty(o.Validate());
        Assert.Equal($"node{node}", o.Node.Id);
        Assert.Equal($"data/node{node}", o.Node.ResolveDataDir());
        Assert.Equal("127.0.0.1", o.Remote.Hostname);
        Assert.Equal(4050 + node, o.Remote.Port);
        Assert.Equal(8050 + node, o.Http.Port);
        Assert.Equal(["127.0.0.1:4051", "127.0.0.1:4052", "127.0.0.1:4053"], o.Cluster.SeedNodes);
        Assert.Equal("owned", o.Sync.Collections["locations"].Kind);
    }

    [Fact]
    public void Node_files_share_the_cluster_wide_settings_and_differ_in_identity()
    {
        var nodes = Enumerable.Range(1, 3).Select(i => Load($"node{i}.conf")).ToList();

        Assert.Single(nodes.Select(n => n.Remote.Secret).Distinct());
        Assert.Single(nodes.Select(n => n.Cluster.Name).Distinct());
        Assert.Single(nodes.Select(n => string.Join(",", n.Cluster.SeedNodes)).Distinct());
        Assert.Equal(3, nodes.Select(n => n.Node.Id).Distinct().Count());
        Assert.Equal(3, nodes.Select(n => n.Node.ResolveDataDir()).Distinct().Count());
        Assert.Equal(6, nodes.SelectMany(n => new[] { n.Remote.Port, n.Http.Port }).Distinct().Count());
    }

    [Fact]
    public void Docker_file_binds_and_validates_when_the_environment_provides_the_values()
    {
        var o = Load(
            "docker.conf",
            ("PEERSYNC_NODE_ID", "peersync2"),
            ("PEERSYNC_SECRET", "a-long-cluster-secret"),
            ("PEERSYNC_DB", "Host=postgres;Username=peersync;Password=pw;Database=peersync"),
            ("PEERSYNC_HTTP_TOKEN", "a-long-http-token-1234"));

        Assert.Empty(o.Validate());
        Assert.Equal("peersync2", o.Node.Id);
        Assert.Equal("peersync2", o.Remote.Hostname);
        Assert.Equal("postgres", o.Persistence.Provider);
        Assert.Equal(ConsoleLogFormat.Json, o.Logging.Console.Format);
    }

    [Fact]
    public void Docker_file_names_each_missing_variable_by_its_key_when_the_environment_is_empty()
    {
        var problems = Load("docker.conf").Validate();

        Assert.Contains(problems, p => p.StartsWith("peersync.node.id is not set", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("peersync.remote.secret is not set", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("peersync.persistence.connection-string: is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("peersync.http.token is empty", StringComparison.Ordinal));
    }

    private PeerSyncOptions Load(string file, params (string Name, string Value)[] environment) =>
        TestSources.Bind(TestSources.In(_dir, [Path.Combine(RepositoryPaths.Root, "hocon", file)], environment: environment));
}

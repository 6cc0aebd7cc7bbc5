using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using PeerSync.Node.Startup;
using PeerSync.Node.Tests.Support;
using PeerSync.TestKit.MultiNode;

namespace PeerSync.Node.Tests;

/// <summary>peersync-node in process: arguments in, exit code, stdout and stderr out.</summary>
public sealed class NodeStartupTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Print_config_writes_the_merged_configuration_as_json_and_exits_0()
    {
        var (code, stdout, stderr) = Run("--config", TestFiles.Hocon("node1.conf"), "--set", "peersync.node.roles=[hub]", "--print-config");

        Assert.Equal(NodeExitCodes.Ok, code);
        Assert.Equal("", stderr);
        var json = JsonNode.Parse(stdout)!["peersync"]!;
        Assert.Equal("node1", (string?)json["node"]!["id"]);
        Assert.Equal("hub", (string?)json["node"]!["roles"]![0]);
        Assert.Equal(4051, (int?)json["remote"]!["port"]);
        Assert.Equal("500ms", (string?)json["cluster"]!["heartbeat-interval"]);       // a reference default
        Assert.Equal("********", (string?)json["remote"]!["secret"]);
        Assert.DoesNotContain("dev-only-secret", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Print_config_prints_the_configuration_and_the_problems_when_it_is_invalid()
    {
        var (code, stdout, stderr) = Run("--set", "peersync.node.id=n1", "--print-config");

        Assert.Equal(NodeExitCodes.BadConfiguration, code);
        Assert.Equal("n1", (string?)JsonNode.Parse(stdout)!["peersync"]!["node"]!["id"]);
        Assert.Contains("peersync-node: peersync.remote.secret is not set", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Print_config_reads_environment_variables()
    {
        var (code, stdout, _) = Run([("PEERSYNC__HTTP__PORT", "8100")], "--config", TestFiles.Hocon("node2.conf"), "--print-config");

        Assert.Equal(NodeExitCodes.Ok, code);
        Assert.Equal(8100, (int?)JsonNode.Parse(stdout)!["peersync"]!["http"]!["port"]);
    }

    [Fact]
    public void Bad_setting_stops_with_one_line_naming_the_key_and_exit_2()
    {
        var (code, stdout, stderr) = Run("--config", TestFiles.Hocon("node1.conf"), "--set", "peersync.cluster.heartbeat-interval=3 parsecs");

        Assert.Equal(NodeExitCodes.BadConfiguration, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(Lines(stderr));
        Assert.StartsWith("peersync-node: peersync.cluster.heartbeat-interval: '3 parsecs' is not a duration", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_key_stops_with_one_line_and_the_closest_key()
    {
        var file = _files.Write("node.conf", "include required(file(\"" + TestFiles.Hocon("node1.conf").Replace("\\", "\\\\", StringComparison.Ordinal) + "\"))\npeersync.remote.scret = x\n");

        var (code, _, stderr) = Run("--config", file);

        Assert.Equal(NodeExitCodes.BadConfiguration, code);
        Assert.Equal("peersync-node: peersync.remote.scret: unknown setting; did you mean peersync.remote.secret? (set at node.conf:2:25)", Assert.Single(Lines(stderr)));
    }

    [Fact]
    public void Bad_file_reports_file_line_and_column_and_exit_2()
    {
        _files.Write("broken.conf", "peersync {\n  node.id = \"n1\n}\n");

        var (code, stdout, stderr) = Run("--config", "broken.conf", "--print-config");

        Assert.Equal(NodeExitCodes.BadConfiguration, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("peersync-node: broken.conf:2:13: ", Assert.Single(Lines(stderr)), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_one_line_and_exit_2()
    {
        var (code, _, stderr) = Run("--config", "nope.conf");

        Assert.Equal(NodeExitCodes.BadConfiguration, code);
        Assert.StartsWith("peersync-node: --config nope.conf: the file", Assert.Single(Lines(stderr)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "peersync-node: unknown argument '--bogus'; run peersync-node --help for the arguments")]
    [InlineData(new[] { "node1.conf" }, "peersync-node: unexpected argument 'node1.conf'; configuration files are given with --config node1.conf")]
    [InlineData(new[] { "--config" }, "peersync-node: --config needs a file path, e.g. --config hocon/node1.conf")]
    [InlineData(new[] { "--config", "--print-config" }, "peersync-node: --config needs a file path, e.g. --config hocon/node1.conf")]
    [InlineData(new[] { "--set" }, "peersync-node: --set needs key=value, e.g. --set peersync.remote.port=4053")]
    [InlineData(new[] { "--print-config=yes" }, "peersync-node: unknown argument '--print-config=yes'; run peersync-node --help for the arguments")]
    public void Bad_arguments_are_one_line_and_exit_2(string[] args, string expected)
    {
        var (code, stdout, stderr) = Run(args);

        Assert.Equal(NodeExitCodes.BadConfiguration, code);
        Assert.Equal("", stdout);
        Assert.Equal(expected, Assert.Single(Lines(stderr)));
    }

    [Fact]
    public void Help_prints_the_usage_and_exits_0()
    {
        var (code, stdout, stderr) = Run("--help");

        Assert.Equal(NodeExitCodes.Ok, code);
        Assert.StartsWith("Usage: peersync-node", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void Inline_argument_values_work_like_separate_ones()
    {
        var (code, stdout, _) = Run($"--config={TestFiles.Hocon("node3.conf")}", "--set=peersync.remote.port=4099", "--print-config");

        Assert.Equal(NodeExitCodes.Ok, code);
        Assert.Equal(4099, (int?)JsonNode.Parse(stdout)!["peersync"]!["remote"]!["port"]);
    }

    [Fact]
    public async Task Valid_configuration_runs_the_node_until_shutdown_and_exits_0()
    {
        var ports = FreePorts.Reserve(2);
        using var shutdown = new CancellationTokenSource();
        var started = new TaskCompletionSource<NodeHost>(TaskCreationOptions.RunContinuationsAsynchronously);
        var logs = new StringWriter();
        var environment = new NodeEnvironment(new Dictionary<string, string>(), _files.Path) { LogConsole = TextWriter.Synchronized(logs), Started = h => started.SetResult(h) };
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var run = NodeStartup.RunAsync(NodeArgs(ports[0], ports[1]), stdout, stderr, environment, shutdown.Token);
        var host = await started.Task.WaitAsync(Bound);
        await host.Node.Cluster.WhenUp.WaitAsync(Bound);
        using var client = new HttpClient { BaseAddress = host.Http.Address };
        var cluster = JsonNode.Parse(await client.GetStringAsync(new Uri("/v1/cluster", UriKind.Relative)))!;
        await shutdown.CancelAsync();
        var code = await run.WaitAsync(Bound);

        Assert.Equal(NodeExitCodes.Ok, code);
        Assert.Equal("", stderr.ToString());
        Assert.Equal("t1", (string?)cluster["self"]);
        Assert.Equal("Up", (string?)cluster["members"]![0]!["status"]);
        Assert.Equal($"127.0.0.1:{ports[1]}", host.Api.Info.Http);
        Assert.True(Directory.Exists(Path.Combine(_files.Path, "data", "t1")), "the relative data dir is under the working directory");
        var text = logs.ToString();
        Assert.Contains($"Node t1 runs: remote 127.0.0.1:{ports[0]}, HTTP 127.0.0.1:{ports[1]}", text, StringComparison.Ordinal);
        Assert.Contains("Node t1: shutdown requested; stopping gracefully", text, StringComparison.Ordinal);
        Assert.Contains("Node t1 exits with code 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_port_in_use_is_one_line_naming_the_key_and_exit_1()
    {
        var ports = FreePorts.Reserve(2);
        using var taken = new TcpListener(IPAddress.Loopback, ports[1]);
        taken.Start();

        var (code, _, stderr) = await RunQuietAsync(NodeArgs(ports[0], ports[1]));

        Assert.Equal(NodeExitCodes.Failure, code);
        Assert.StartsWith($"peersync-node: peersync.http.port: cannot listen on 127.0.0.1:{ports[1]}: ", Assert.Single(Lines(stderr)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remote_port_in_use_is_one_line_naming_the_key_and_exit_1()
    {
        var ports = FreePorts.Reserve(2);
        using var taken = new TcpListener(IPAddress.Loopback, ports[0]);
        taken.Start();

        var (code, _, stderr) = await RunQuietAsync(NodeArgs(ports[0], ports[1]));

        Assert.Equal(NodeExitCodes.Failure, code);
        Assert.StartsWith($"peersync-node: peersync.remote.port: cannot listen on 127.0.0.1:{ports[0]}: ", Assert.Single(Lines(stderr)), StringComparison.Ordinal);
    }

    [Fact]
    public void Many_problems_are_capped_with_a_count_of_the_rest()
    {
        var sets = Enumerable.Range(0, 14).SelectMany(i => new[] { "--set", $"peersync.bogus{i}=1" }).ToArray();

        var (code, _, stderr) = Run(sets);

        Assert.Equal(NodeExitCodes.BadConfiguration, code);
        var lines = Lines(stderr);
        Assert.Equal(NodeStartup.MaxProblemLines + 1, lines.Count);
        Assert.Equal("peersync-node: ... and 4 more problems", lines[^1]);
    }

    [Fact]
    public void Arguments_parse_in_order_and_repeat()
    {
        var parsed = NodeArguments.Parse(["--config", "a.conf", "--set", "peersync.x=1", "--config=b.conf", "--print-config", "--set=peersync.y=2"]);

        Assert.Equal(["a.conf", "b.conf"], parsed.ConfigFiles);
        Assert.Equal(["peersync.x=1", "peersync.y=2"], parsed.Sets);
        Assert.True(parsed.PrintConfig);
        Assert.False(parsed.Help);
    }

    /// <summary>A node alone on loopback: its own address is its only seed, so it forms a cluster at once.</summary>
    private static string[] NodeArgs(int remotePort, int httpPort) =>
    [
        "--set", "peersync.node.id=t1",
        "--set", "peersync.remote.secret=node-startup-test-secret",
        "--set", $"peersync.remote.port={remotePort}",
        "--set", $"peersync.cluster.seed-nodes=[\"127.0.0.1:{remotePort}\"]",
        "--set", $"peersync.http.port={httpPort}",
    ];

    private (int Code, string Stdout, string Stderr) Run(params string[] args) => Run([], args);

    private (int Code, string Stdout, string Stderr) Run((string, string)[] environment, params string[] args)
    {
        // Every configuration path returns before a node would start: no shutdown is needed.
        var variables = environment.ToDictionary(e => e.Item1, e => e.Item2, StringComparer.Ordinal);
        return RunCoreAsync(args, new NodeEnvironment(variables, _files.Path)).WaitAsync(Bound).GetAwaiter().GetResult();
    }

    private Task<(int Code, string Stdout, string Stderr)> RunQuietAsync(string[] args) =>
        RunCoreAsync(args, new NodeEnvironment(new Dictionary<string, string>(), _files.Path) { LogConsole = TextWriter.Null }).WaitAsync(Bound);

    private static async Task<(int Code, string Stdout, string Stderr)> RunCoreAsync(string[] args, NodeEnvironment environment)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await NodeStartup.RunAsync(args, stdout, stderr, environment, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static List<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
}

using System.Globalization;
using System.Text.Json.Nodes;
using PeerSync.TestKit;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;

namespace PeerSync.EndToEnd.Tests.Support;

/// <summary>
/// Real `peersync-node` processes n1..nN on free loopback ports, every one a seed, each with its
/// own temp data directory under one root. Waits poll the nodes' HTTP API every 100 ms up to a
/// bound (60 s x PEERSYNC_TEST_TIME_FACTOR) and fail listing every node's view. Dispose kills and
/// reaps every process, writes their output to the test output, and deletes the root.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    public const string Secret = "end-to-end-test-secret-not-for-production";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly ITestOutputHelper _output;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "peersync-e2e-" + Guid.NewGuid().ToString("N"));
    private readonly List<NodeProcess> _processes = [];
    private readonly Func<string, IEnumerable<string>> _settingsFor;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private ProcessCluster(int size, Func<string, IEnumerable<string>> settingsFor, ITestOutputHelper output)
    {
        _output = output;
        _settingsFor = settingsFor;
        var ports = FreePorts.Reserve(2 * size);
        Ids = [.. Enumerable.Range(1, size).Select(i => $"n{i}")];
        RemotePorts = [.. ports.Take(size)];
        HttpPorts = [.. ports.Skip(size)];
        Directory.CreateDirectory(_root);
    }

    public static TimeSpan Bound { get; } = TestKitSettings.FromEnvironment().Dilated(TimeSpan.FromSeconds(60));

    public IReadOnlyList<string> Ids { get; }

    public IReadOnlyList<int> RemotePorts { get; }

    public IReadOnlyList<int> HttpPorts { get; }

    /// <summary>The latest process of each node (null before its first start).</summary>
    public Dictionary<string, NodeProcess> Current { get; } = new(StringComparer.Ordinal);

    public string WorkingDirectory => _root;

    /// <summary>Starts every node at once. <paramref name="extraSettings"/> are `key=value` settings for every node.</summary>
    public static ProcessCluster Start(int size, ITestOutputHelper output, params string[] extraSettings) =>
        Start(size, output, _ => extraSettings);

    /// <summary>Starts every node at once, each with the `key=value` settings <paramref name="settingsFor"/> gives for its id.</summary>
    public static ProcessCluster Start(int size, ITestOutputHelper output, Func<string, IEnumerable<string>> settingsFor)
    {
        var cluster = new ProcessCluster(size, settingsFor, output);
        foreach (var id in cluster.Ids)
        {
            cluster.StartNode(id);
        }

        return cluster;
    }

    public NodeProcess this[string id] => Current[id];

    public string HttpAuthority(string id) => $"127.0.0.1:{HttpPorts[Index(id)]}";

    /// <summary>Starts (or restarts, on the same ports and data directory) node <paramref name="id"/>.</summary>
    public NodeProcess StartNode(string id)
    {
        var i = Index(id);
        var seeds = string.Join(", ", RemotePorts.Select(p => $"\"127.0.0.1:{p}\""));
        var settings = new List<string>
        {
            $"peersync.node.id={id}",
            $"peersync.node.data-dir={Path.Combine(_root, id).Replace('\\', '/')}",
            $"peersync.remote.port={RemotePorts[i].ToString(CultureInfo.InvariantCulture)}",
            $"peersync.remote.secret={Secret}",
            $"peersync.cluster.seed-nodes=[{seeds}]",
            $"peersync.http.port={HttpPorts[i].ToString(CultureInfo.InvariantCulture)}",
            "peersync.remote.link.reconnect-max-backoff=2s",
        };
        settings.AddRange(_settingsFor(id));
        var process = NodeProcess.Start(id, _root, settings.SelectMany(s => new[] { "--set", s }));
        _processes.Add(process);
        Current[id] = process;
        return process;
    }

    /// <summary>`GET /v1/cluster` of node <paramref name="id"/>, or null when it does not answer.</summary>
    public async Task<JsonNode?> ClusterViewAsync(string id)
    {
        try
        {
            var text = await _http.GetStringAsync(new Uri($"http://{HttpAuthority(id)}/v1/cluster"));
            return JsonNode.Parse(text);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits until each of <paramref name="observers"/> sees exactly <paramref name="expected"/> as Up and reachable, and they agree on a leader.</summary>
    public Task AwaitMembersAsync(IReadOnlyCollection<string> observers, IReadOnlyCollection<string> expected) =>
        AwaitAsync($"{string.Join(",", observers)} see exactly {string.Join(",", expected)} Up and reachable with one leader", async () =>
        {
            string? leader = null;
            foreach (var observer in observers)
            {
                var view = await ClusterViewAsync(observer);
                var members = view?["members"]?.AsArray();
                if (members is null || view!["leader"] is null)
                {
                    return false;
                }

                var up = members.Where(m => (string?)m!["status"] == "Up" && (bool)m["reachable"]!).Select(m => (string)m!["id"]!).Order(StringComparer.Ordinal);
                if (!up.SequenceEqual(expected.Order(StringComparer.Ordinal)) || members.Count != expected.Count)
                {
                    return false;
                }

                var seen = (string?)view["leader"];
                if (leader is not null && seen != leader)
                {
                    return false;
                }

                leader = seen;
            }

            return true;
        });

    /// <summary>Waits until <paramref name="condition"/> holds; on timeout fails with every node's view.</summary>
    public async Task AwaitAsync(string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                var views = new List<string>();
                foreach (var id in Ids)
                {
                    views.Add($"{id}: {(await ClusterViewAsync(id))?.ToJsonString() ?? "no answer"}");
                }

                throw new TimeoutException($"not within {Bound}: {what}\n{string.Join('\n', views)}");
            }

            await Task.Delay(PollInterval);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        foreach (var process in _processes)
        {
            _output.WriteLine($"===== {process.Name} (pid {process.Pid}) stdout =====\n{process.Stdout}");
            _output.WriteLine($"===== {process.Name} (pid {process.Pid}) stderr =====\n{process.Stderr}");
        }

        _http.Dispose();
        await Task.Yield();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException e)
        {
            _output.WriteLine($"could not delete {_root}: {e.Message}");
        }
    }

    private int Index(string id)
    {
        var i = Ids.ToList().IndexOf(id);
        return i >= 0 ? i : throw new ArgumentException($"no node {id}; nodes: {string.Join(", ", Ids)}", nameof(id));
    }
}

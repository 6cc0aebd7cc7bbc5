using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using PeerSync.Benchmarks.Harness;
using PeerSync.TestKit.MultiNode;

namespace PeerSync.Benchmarks.Suites;

/// <summary>
/// peersync-node as real processes on loopback (docs/design/node-host.md), what an operator waits
/// for: `start-3`: from launching three processes at once until each one's `GET /v1/cluster` shows
/// all three Up with one leader; `sigterm-stop`: from SIGTERM to one node until its process exited
/// (stop taking requests, leave, drain, exit 0); `removed-seen`: from that SIGTERM until both
/// others show only themselves. `floor:runtime-start` is the cost of starting the .NET runtime and
/// the node's assemblies at all (`peersync-node --help`, which exits at once): the part of
/// `start-3` no node code can win back. Full runs repeat three times (median); --quick once.
/// </summary>
public sealed class NodeProcessSuite : IBenchmarkSuite
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public string Name => "node";

    public string Description => "peersync-node processes: three start and agree, SIGTERM graceful stop, removal seen by the others";

    public async Task RunAsync(BenchmarkContext context)
    {
        var rounds = context.Quick ? 1 : 3;
        var floors = new List<double>();
        var samples = new List<(double Start, double Stop, double Removed)>();
        for (var round = 0; round < rounds; round++)
        {
            floors.Add(await RuntimeStartAsync());
            samples.Add(await MeasureAsync());
            context.Progress(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: runtime start {floors[^1]:0.000} s, start-3 {samples[^1].Start:0.000} s, sigterm-stop {samples[^1].Stop:0.000} s, removed-seen {samples[^1].Removed:0.000} s"));
        }

        context.Report("floor:runtime-start", "seconds", Median(floors), "s");
        context.Report("start-3", "seconds", Median(samples.Select(s => s.Start)), "s", floor: "floor:runtime-start");
        context.Report("sigterm-stop", "seconds", Median(samples.Select(s => s.Stop)), "s");
        context.Report("removed-seen", "seconds", Median(samples.Select(s => s.Removed)), "s");
    }

    private static async Task<double> RuntimeStartAsync()
    {
        var watch = Stopwatch.StartNew();
        using var process = Start(["--help"], Path.GetTempPath());
        await process.WaitForExitAsync().WaitAsync(Bound);
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task<(double Start, double Stop, double Removed)> MeasureAsync()
    {
        var root = Directory.CreateTempSubdirectory("peersync-bench-node-").FullName;
        var ports = FreePorts.Reserve(6);
        var seeds = string.Join(", ", ports.Take(3).Select(p => $"\"127.0.0.1:{p}\""));
        var processes = new List<Process>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 3; i++)
            {
                processes.Add(Start(
                [
                    "--set", $"peersync.node.id=b{i + 1}",
                    "--set", "peersync.remote.secret=node-bench-secret-not-for-production",
                    "--set", $"peersync.remote.port={ports[i]}",
                    "--set", $"peersync.cluster.seed-nodes=[{seeds}]",
                    "--set", $"peersync.http.port={ports[3 + i]}",
                    "--set", "peersync.logging.console.level=warning",
                ], root));
            }

            var all = new[] { 0, 1, 2 };
            await AwaitAsync(() => SeeUpAsync(http, ports, all, 3));
            var started = watch.Elapsed.TotalSeconds;

            watch.Restart();
            using (var kill = Process.Start("kill", ["-TERM", processes[2].Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            var exited = processes[2].WaitForExitAsync().WaitAsync(Bound);
            var removed = AwaitAsync(() => SeeUpAsync(http, ports, [0, 1], 2));
            await exited;
            var stopped = watch.Elapsed.TotalSeconds;
            await removed;
            return (started, stopped, watch.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }

                process.Dispose();
            }

            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>True when every observer shows exactly <paramref name="count"/> members, all Up, and a leader.</summary>
    private static async Task<bool> SeeUpAsync(HttpClient http, IReadOnlyList<int> ports, int[] observers, int count)
    {
        foreach (var i in observers)
        {
            try
            {
                var view = JsonNode.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{ports[3 + i]}/v1/cluster")))!;
                var members = view["members"]!.AsArray();
                if (view["leader"] is null || members.Count != count || members.Any(m => (string?)m!["status"] != "Up"))
                {
                    return false;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task AwaitAsync(Func<Task<bool>> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > Bound)
            {
                throw new TimeoutException($"the nodes did not agree within {Bound}");
            }

            // Polling every 20 ms bounds the measurement error well below the figures (hundreds of ms).
            await Task.Delay(20);
        }
    }

    private static Process Start(IEnumerable<string> args, string workingDirectory)
    {
        var process = Process.Start(DotnetChild.StartInfo(DotnetChild.NodeDll, args, workingDirectory))!;

        // Drained so a chatty node never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

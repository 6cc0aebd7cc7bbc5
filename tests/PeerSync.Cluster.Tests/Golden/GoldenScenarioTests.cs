using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Tests.Simulation;

namespace PeerSync.Cluster.Tests.Golden;

/// <summary>
/// Golden scenarios: each testdata/*.txt holds a readable script above a separator line and the
/// expected transcript (events, singleton commands, stops, join/vote/handover messages and notices,
/// at virtual milliseconds) below it. A run must reproduce the transcript exactly; reviewers read
/// the diff. PEERSYNC_UPDATE_GOLDEN=1 rewrites the expected part.
/// </summary>
public sealed partial class GoldenScenarioTests
{
    private const string Separator = "---- transcript ----";

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(TestDataDirectory(), "*.txt").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_reproduces_its_transcript(string file)
    {
        var path = Path.Combine(TestDataDirectory(), file);
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var cut = text.IndexOf(Separator, StringComparison.Ordinal);
        var script = cut < 0 ? text : text[..cut];
        var expected = cut < 0 ? "" : text[(cut + Separator.Length)..].TrimStart('\n');
        var actual = Run(script);
        if (Environment.GetEnvironmentVariable("PEERSYNC_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, script.TrimEnd('\n') + "\n" + Separator + "\n" + actual);
            return;
        }

        Assert.True(expected == actual, $"{file}: transcript differs (set PEERSYNC_UPDATE_GOLDEN=1 to rewrite, then review the diff)\n{FirstDifference(expected, actual)}");
    }

    /// <summary>Runs a script: one command per line, '#' starts a comment.</summary>
    public static string Run(string script)
    {
        SimCluster? sim = null;
        var output = new StringBuilder();
        var lineNumber = 0;
        foreach (var raw in script.Split('\n'))
        {
            lineNumber++;
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words[0] == "cluster")
            {
                sim = NewCluster(words);
                continue;
            }

            if (sim is null)
            {
                throw new FormatException($"line {lineNumber}: the script must start with 'cluster <size> [seed <n>] [leaderless]'");
            }

            Execute(sim, words, lineNumber);
        }

        if (sim is null)
        {
            throw new FormatException("empty script");
        }

        return Clean(sim.Transcript());
    }

    private static SimCluster NewCluster(string[] words)
    {
        var size = int.Parse(words[1], CultureInfo.InvariantCulture);
        var seed = words.Contains("seed") ? ulong.Parse(words[Array.IndexOf(words, "seed") + 1], CultureInfo.InvariantCulture) : 1UL;
        var config = SimCluster.DefaultConfig();
        if (words.Contains("leaderless"))
        {
            config = config with { ElectionMode = ElectionMode.Leaderless };
        }

        return new SimCluster(seed, size, new SimOptions { Config = config });
    }

    private static void Execute(SimCluster sim, string[] words, int lineNumber)
    {
        IEnumerable<SimNode> Nodes(IEnumerable<string> ids) => ids.Select(sim.Node);
        switch (words[0])
        {
            case "start":
                foreach (var node in words.Length == 1 ? sim.Nodes : Nodes(words.Skip(1)))
                {
                    sim.Start(node);
                }

                break;
            case "run":
                sim.RunFor(long.Parse(words[1], CultureInfo.InvariantCulture));
                break;
            case "crash":
                sim.Crash(sim.Node(words[1]));
                break;
            case "pause":
                sim.Pause(sim.Node(words[1]), long.Parse(words[2], CultureInfo.InvariantCulture));
                break;
            case "partition":
                var bar = Array.IndexOf(words, "|");
                sim.Partition(Nodes(words[1..bar]), Nodes(words[(bar + 1)..]));
                break;
            case "heal":
                sim.Heal();
                break;
            case "leave":
                sim.Input(sim.Node(words[1]), new ClusterInput.Leave(null));
                break;
            case "down":
                // down <target> at <node>: the operator's command given on <node>.
                sim.Input(sim.Node(words[3]), new ClusterInput.Down(Remote.Addressing.NodeId.Parse(words[1])));
                break;
            case "expect-converged":
                var size = int.Parse(words[1], CultureInfo.InvariantCulture);
                if (!sim.IsConverged(size))
                {
                    throw new InvalidOperationException($"line {lineNumber}: not converged: {sim.ConvergenceProblem(size)}");
                }

                break;
            default:
                throw new FormatException($"line {lineNumber}: unknown command '{words[0]}'");
        }
    }

    private static string Clean(string transcript) => HexIncarnation().Replace(transcript, m => "#" + ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i] : "<end>";
            var right = i < a.Length ? a[i] : "<end>";
            if (left != right)
            {
                return $"line {i + 1}:\n  expected: {left}\n  actual:   {right}";
            }
        }

        return "";
    }

    // The project directory, three levels above bin/<configuration>/<framework>: CI builds map source
    // paths to /_/, so a caller's file path does not lead back to the sources.
    private static string TestDataDirectory() =>
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "testdata"));

    [GeneratedRegex("#([0-9a-f]{16})")]
    private static partial Regex HexIncarnation();
}

using System.Text.Json;

namespace PeerSync.Benchmarks.Harness;

/// <summary>
/// One JSON object per line on stdout: {"suite","case","metric","value","unit"}. Floors are cases
/// of their own (named `floor:...`), so a script pairs them by name.
/// </summary>
public sealed class JsonLinesSink(TextWriter output) : IResultSink
{
    public void Add(BenchmarkResult result)
    {
        var line = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["suite"] = result.Suite,
            ["case"] = result.Case,
            ["metric"] = result.Metric,
            ["value"] = Math.Round(result.Value, 3),
            ["unit"] = result.Unit,
        });
        output.WriteLine(line);
        output.Flush();
    }

    public void Progress(string suite, string line)
    {
        // stdout carries only results in JSON mode; progress goes to stderr.
        Console.Error.WriteLine($"[{suite}] {line}");
    }

    public void Complete()
    {
    }
}

using System.Globalization;

namespace PeerSync.Benchmarks.Harness;

/// <summary>
/// A table with each figure beside the floor it is compared with and their ratio, printed once
/// every suite has run (floors are often measured after the cases that refer to them).
/// </summary>
public sealed class TableSink(TextWriter output) : IResultSink
{
    private readonly List<BenchmarkResult> _results = [];

    public void Add(BenchmarkResult result) => _results.Add(result);

    public void Progress(string suite, string line) => output.WriteLine($"[{suite}] {line}");

    public void Complete()
    {
        var rows = new List<string[]> { new[] { "suite", "case", "metric", "value", "unit", "floor", "floor value", "ratio" } };
        foreach (var r in _results)
        {
            var floor = r.Floor is null
                ? null
                : _results.FirstOrDefault(f => f.Suite == r.Suite && f.Case == r.Floor && f.Metric == r.Metric);
            rows.Add(
            [
                r.Suite, r.Case, r.Metric, Format(r.Value), r.Unit,
                r.Floor ?? "",
                floor is null ? "" : Format(floor.Value),
                floor is null || floor.Value == 0 ? "" : (r.Value / floor.Value).ToString("0.00x", CultureInfo.InvariantCulture),
            ]);
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(row => row[i].Length)).ToArray();
        output.WriteLine();
        foreach (var row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i == 3 || i >= 6 ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string Format(double value) =>
        Math.Abs(value) >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
}

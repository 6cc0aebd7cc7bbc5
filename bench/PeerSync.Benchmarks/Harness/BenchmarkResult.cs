namespace PeerSync.Benchmarks.Harness;

/// <summary>
/// One measured figure. <see cref="Floor"/> names the case (in the same suite and run) that this
/// figure is compared with, such as `floor:tell`; floors themselves have none.
/// </summary>
public sealed record BenchmarkResult(
    string Suite, string Case, string Metric, double Value, string Unit, string? Floor);

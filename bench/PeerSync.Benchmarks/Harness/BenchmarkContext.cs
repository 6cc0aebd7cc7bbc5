namespace PeerSync.Benchmarks.Harness;

/// <summary>What a running suite sees: its options and where it reports figures.</summary>
public sealed class BenchmarkContext
{
    private readonly IResultSink _sink;

    public BenchmarkContext(string suite, bool quick, IResultSink sink)
    {
        Suite = suite;
        Quick = quick;
        _sink = sink;
    }

    public string Suite { get; }

    /// <summary>Shorter runs: the suite must finish in under a minute on this machine.</summary>
    public bool Quick { get; }

    /// <summary>Reports a figure; <paramref name="floor"/> names the case it is compared with.</summary>
    public void Report(string @case, string metric, double value, string unit, string? floor = null) =>
        _sink.Add(new BenchmarkResult(Suite, @case, metric, value, unit, floor));

    /// <summary>Progress for a human; suppressed in JSON mode so stdout stays machine-readable.</summary>
    public void Progress(string line) => _sink.Progress(Suite, line);
}

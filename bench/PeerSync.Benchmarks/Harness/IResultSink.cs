namespace PeerSync.Benchmarks.Harness;

/// <summary>Receives figures as suites produce them.</summary>
public interface IResultSink
{
    void Add(BenchmarkResult result);

    void Progress(string suite, string line);

    /// <summary>Called once after all suites ran; a table sink prints here.</summary>
    void Complete();
}

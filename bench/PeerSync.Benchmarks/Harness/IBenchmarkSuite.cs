namespace PeerSync.Benchmarks.Harness;

/// <summary>
/// One benchmark suite (`actors`, `remote`, ...). Suites are discovered by reflection, so adding a
/// suite means adding a class; nothing else needs editing.
/// </summary>
public interface IBenchmarkSuite
{
    /// <summary>The name given on the command line.</summary>
    string Name { get; }

    /// <summary>One line shown by `list`.</summary>
    string Description { get; }

    /// <summary>
    /// Runs every case, reporting each figure and the floor it is compared with through
    /// <paramref name="context"/>. With <see cref="BenchmarkContext.Quick"/> the suite must finish
    /// in under a minute on a 2-core machine.
    /// </summary>
    Task RunAsync(BenchmarkContext context);
}

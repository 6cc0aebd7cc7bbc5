using System.Diagnostics;

namespace PeerSync.Benchmarks.Harness;

/// <summary>Timing helpers shared by suites.</summary>
public static class Measure
{
    /// <summary>
    /// Runs <paramref name="run"/> once to warm up (JIT, pools), then <paramref name="repetitions"/>
    /// times, and returns the best rate in operations per second: the best run is the one least
    /// disturbed by the machine's other work.
    /// </summary>
    public static async Task<double> BestRateAsync(long operations, int repetitions, Func<Task> run)
    {
        await run();
        var best = 0.0;
        for (var i = 0; i < repetitions; i++)
        {
            var sw = Stopwatch.StartNew();
            await run();
            sw.Stop();
            best = Math.Max(best, operations / sw.Elapsed.TotalSeconds);
        }

        return best;
    }
}

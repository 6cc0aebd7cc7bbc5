using System.Diagnostics;

namespace PeerSync.Benchmarks.Suites.Persistence;

/// <summary>
/// Runs a workload for a fixed time and returns events per second. Time-boxed rather than
/// count-boxed so a suite's duration does not depend on the disk it meets (`--quick` must stay
/// under a minute on any machine).
/// </summary>
internal static class Throughput
{
    /// <summary>
    /// <paramref name="workers"/> loops call <paramref name="step"/>(worker, iteration) until
    /// <paramref name="duration"/> has passed; each call returns the events it completed.
    /// </summary>
    public static async Task<double> MeasureAsync(TimeSpan duration, int workers, Func<int, long, Task<int>> step)
    {
        var events = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var done = 0L;
            for (var i = 0L; clock.Elapsed < duration; i++)
            {
                done += await step(w, i).ConfigureAwait(false);
            }

            Interlocked.Add(ref events, done);
        })));
        clock.Stop();
        return events / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Times one <paramref name="run"/> and returns its rate (the events it reports per second).</summary>
    public static async Task<double> RateAsync(Func<Task<long>> run)
    {
        var clock = Stopwatch.StartNew();
        var events = await run().ConfigureAwait(false);
        return events / clock.Elapsed.TotalSeconds;
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PeerSync.Node.Metrics;

/// <summary>
/// Process figures every node exports beside its own (meter `PeerSync.Process`, one per process):
/// uptime, CPU time, working set, GC heap size and collections, thread-pool queue and threads. A
/// growing thread-pool queue is the first sign of sync-over-async starvation; a growing heap, of
/// an unbounded buffer.
/// </summary>
public static class ProcessMetrics
{
    public const string MeterName = "PeerSync.Process";

    private static readonly Lazy<Meter> Instance = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates the meter once per process; later calls do nothing.</summary>
    public static void EnsureCreated() => _ = Instance.Value;

    private static Meter Create()
    {
        // Uptime counts from the process start (the OS's record of it), not from this call.
        DateTimeOffset started;
        using (var process = Process.GetCurrentProcess())
        {
            started = process.StartTime.ToUniversalTime();
        }

        var meter = new Meter(MeterName);
        meter.CreateObservableGauge("peersync.process.uptime", () => (TimeProvider.System.GetUtcNow() - started).TotalSeconds,
            "s", "Time since the process started.");
        meter.CreateObservableCounter("peersync.process.cpu.time", () => Environment.CpuUsage.TotalTime.TotalSeconds,
            "s", "Processor time used by the process, user and kernel.");
        meter.CreateObservableGauge("peersync.process.memory.working_set", () => Environment.WorkingSet,
            "By", "Physical memory mapped to the process.");
        meter.CreateObservableGauge("peersync.process.gc.heap.size", () => GC.GetTotalMemory(forceFullCollection: false),
            "By", "Bytes the garbage collector thinks are allocated on the managed heap.");
        meter.CreateObservableCounter("peersync.process.gc.collections", ObserveCollections,
            "{collection}", "Garbage collections since the process started, by generation.");
        meter.CreateObservableGauge("peersync.process.thread_pool.queue.length", () => ThreadPool.PendingWorkItemCount,
            "{work_item}", "Work items queued to the thread pool and not yet started.");
        meter.CreateObservableGauge("peersync.process.thread_pool.threads", () => ThreadPool.ThreadCount,
            "{thread}", "Thread-pool threads.");
        return meter;
    }

    private static IEnumerable<Measurement<long>> ObserveCollections()
    {
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            yield return new Measurement<long>(GC.CollectionCount(generation), new KeyValuePair<string, object?>("gc.generation", "gen" + generation.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}

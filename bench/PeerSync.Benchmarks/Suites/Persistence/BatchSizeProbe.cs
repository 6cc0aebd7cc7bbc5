using System.Diagnostics.Metrics;

namespace PeerSync.Benchmarks.Suites.Persistence;

/// <summary>
/// Listens to the journal's `peersync.persistence.journal.batch.writes` histogram, so a case can
/// say how many writes each transaction carried: the figure that explains a group-commit rate.
/// </summary>
internal sealed class BatchSizeProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _batches;
    private long _writes;

    public BatchSizeProbe()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument is { Meter.Name: "PeerSync.Persistence", Name: "peersync.persistence.journal.batch.writes" })
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _writes, value);
        });
        _listener.Start();
    }

    /// <summary>Average writes per transaction since the last call, and resets.</summary>
    public double TakeAverage()
    {
        var batches = Interlocked.Exchange(ref _batches, 0);
        var writes = Interlocked.Exchange(ref _writes, 0);
        return batches == 0 ? 0 : (double)writes / batches;
    }

    public void Dispose() => _listener.Dispose();
}

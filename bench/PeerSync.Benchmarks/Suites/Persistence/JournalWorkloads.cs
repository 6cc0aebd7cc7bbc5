using PeerSync.Persistence.Journal;
using PeerSync.Persistence.Model;

namespace PeerSync.Benchmarks.Suites.Persistence;

/// <summary>
/// The workloads the issue names, driven straight through <see cref="IJournal"/>. The actor-level
/// cases run the same shapes through persistent actors with <see cref="Throughput"/>.
/// </summary>
internal static class JournalWorkloads
{
    public const int ConcurrentWriters = 100;
    public const int BatchEvents = 100;
    public const int ReplayEvents = 100_000;

    /// <summary>One writer, one event per write, each awaited before the next (Persist one at a time).</summary>
    public static Task<double> WriteOneAtATimeAsync(IJournal journal, string prefix, TimeSpan duration)
    {
        var id = PersistenceId.Parse($"{prefix}-1");
        return Throughput.MeasureAsync(duration, 1, async (_, i) =>
        {
            await journal.WriteAsync(BenchEvents.Write(id, i + 1, 1)).ConfigureAwait(false);
            return 1;
        });
    }

    /// <summary>100 writers at once, each with its own id, one event per write.</summary>
    public static Task<double> WriteConcurrentlyAsync(IJournal journal, string prefix, TimeSpan duration)
    {
        var ids = Enumerable.Range(0, ConcurrentWriters).Select(w => PersistenceId.Parse($"{prefix}-{w}")).ToArray();
        return Throughput.MeasureAsync(duration, ConcurrentWriters, async (w, i) =>
        {
            await journal.WriteAsync(BenchEvents.Write(ids[w], i + 1, 1)).ConfigureAwait(false);
            return 1;
        });
    }

    /// <summary>One writer, atomic writes of 100 events (PersistAll).</summary>
    public static Task<double> WriteAllAsync(IJournal journal, string prefix, TimeSpan duration)
    {
        var id = PersistenceId.Parse($"{prefix}-all");
        return Throughput.MeasureAsync(duration, 1, async (_, i) =>
        {
            await journal.WriteAsync(BenchEvents.Write(id, (i * BatchEvents) + 1, BatchEvents)).ConfigureAwait(false);
            return BatchEvents;
        });
    }

    /// <summary>Stores <see cref="ReplayEvents"/> events for <paramref name="id"/> in atomic writes of 1000.</summary>
    public static async Task PopulateAsync(IJournal journal, PersistenceId id)
    {
        const int perWrite = 1000;
        for (var seq = 1L; seq <= ReplayEvents; seq += perWrite)
        {
            await journal.WriteAsync(BenchEvents.Write(id, seq, perWrite)).ConfigureAwait(false);
        }
    }

    /// <summary>Replays every event of <paramref name="id"/>; returns the count.</summary>
    public static async Task<long> ReplayAsync(IJournal journal, PersistenceId id)
    {
        var count = 0L;
        await foreach (var _ in journal.ReplayAsync(id, 1, long.MaxValue, long.MaxValue).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }
}

using Microsoft.Extensions.Logging;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace PeerSync.Hosting.Logging;

/// <summary>
/// The last <see cref="Capacity"/> log events, in memory, for `GET /v1/node/logs` and
/// `psync log peek`. A ring buffer: when full, the oldest event is dropped and counted in
/// <see cref="DroppedCount"/> (bounded by design; nothing else is lost, the console and file
/// sinks still have it). Thread-safe; a Serilog sink, registered as a singleton service.
/// </summary>
public sealed class RecentLogEvents : ILogEventSink
{
    private static readonly MessageTemplateTextFormatter MessageFormatter = new("{Message:lj}", System.Globalization.CultureInfo.InvariantCulture);
    private readonly RecentLogEntry[] _entries;
    private readonly object _gate = new();
    private int _start;
    private int _count;
    private long _dropped;

    public RecentLogEvents(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _entries = new RecentLogEntry[capacity];
    }

    public int Capacity => _entries.Length;

    /// <summary>Events pushed out of the buffer by newer ones since it was created.</summary>
    public long DroppedCount
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var category = logEvent.Properties.TryGetValue(Serilog.Core.Constants.SourceContextPropertyName, out var context)
            && context is ScalarValue { Value: string name } ? name : "";
        Add(new RecentLogEntry(
            logEvent.Timestamp,
            LogLevels.FromSerilog(logEvent.Level),
            category,
            Render(logEvent),
            logEvent.Exception?.ToString()));
    }

    /// <summary>The message as the console shows it: strings without quotes, objects as JSON.</summary>
    private static string Render(LogEvent logEvent)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        MessageFormatter.Format(logEvent, writer);
        return writer.ToString();
    }

    /// <summary>Adds an entry directly (what <see cref="Emit"/> does after rendering).</summary>
    public void Add(RecentLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            if (_count < _entries.Length)
            {
                _entries[(_start + _count) % _entries.Length] = entry;
                _count++;
            }
            else
            {
                _entries[_start] = entry;
                _start = (_start + 1) % _entries.Length;
                _dropped++;
            }
        }
    }

    /// <summary>
    /// The newest <paramref name="limit"/> entries at <paramref name="minimumLevel"/> or above,
    /// oldest first (the order a log is read in).
    /// </summary>
    public IReadOnlyList<RecentLogEntry> Snapshot(int limit, LogLevel minimumLevel = LogLevel.Trace)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var newestFirst = new List<RecentLogEntry>(Math.Min(limit, _entries.Length));
        lock (_gate)
        {
            for (var i = _count - 1; i >= 0 && newestFirst.Count < limit; i--)
            {
                var entry = _entries[(_start + i) % _entries.Length];
                if (entry.Level >= minimumLevel)
                {
                    newestFirst.Add(entry);
                }
            }
        }

        newestFirst.Reverse();
        return newestFirst;
    }
}

using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace PeerSync.TestKit;

/// <summary>
/// A logger provider that keeps every entry (for assertions) and echoes it to the test's output
/// when one is given (so a failing test shows what the actors logged).
/// </summary>
public sealed class LogCapture(ITestOutputHelper? output = null) : ILoggerProvider
{
    private readonly object _lock = new();
    private readonly List<CapturedLogEntry> _entries = [];
    private readonly AsyncLocal<Scope?> _scope = new();

    public IReadOnlyList<CapturedLogEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return _entries.ToArray();
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Entries captured after the first <paramref name="position"/> ones.</summary>
    public IReadOnlyList<CapturedLogEntry> Since(int position)
    {
        lock (_lock)
        {
            return _entries.Skip(position).ToArray();
        }
    }

    public ILogger CreateLogger(string categoryName) => new CaptureLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(CapturedLogEntry entry)
    {
        lock (_lock)
        {
            _entries.Add(entry);
        }

        try
        {
            output?.WriteLine(entry.ToString());
        }
        catch (InvalidOperationException)
        {
            // xunit refuses output after the test finished (a late log line from a stopping
            // actor); the entry is still captured.
        }
    }

    private sealed class Scope(object state, Scope? parent) : IDisposable
    {
        public object State { get; } = state;

        public Scope? Parent { get; } = parent;

        public LogCapture? Owner { get; init; }

        public void Dispose()
        {
            if (Owner is not null)
            {
                Owner._scope.Value = Parent;
            }
        }
    }

    private sealed class CaptureLogger(LogCapture owner, string category) : ILogger
    {
        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull
        {
            var scope = new Scope(state, owner._scope.Value) { Owner = owner };
            owner._scope.Value = scope;
            return scope;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var scope = owner._scope.Value; scope is not null; scope = scope.Parent)
            {
                if (scope.State is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, value) in pairs)
                    {
                        properties.TryAdd(key, value);
                    }
                }
            }

            if (state is IEnumerable<KeyValuePair<string, object?>> stateProperties)
            {
                foreach (var (key, value) in stateProperties)
                {
                    properties[key] = value;
                }
            }

            owner.Add(new CapturedLogEntry(logLevel, category, formatter(state, exception), exception, properties));
        }
    }
}

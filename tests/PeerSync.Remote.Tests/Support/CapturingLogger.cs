using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PeerSync.Remote.Tests.Support;

/// <summary>Collects formatted log lines (with their structured properties) so tests can assert on them.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ILoggerFactory
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    /// <summary>Lines whose text contains every fragment.</summary>
    public IReadOnlyList<LogLine> Find(params string[] fragments) =>
        Lines.Where(l => fragments.All(f => l.Text.Contains(f, StringComparison.Ordinal))).ToArray();

    public sealed record LogLine(LogLevel Level, string Category, string Text, IReadOnlyDictionary<string, object?> Properties);

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(p => p.Key, p => p.Value)
                : new Dictionary<string, object?>();
            owner._lines.Enqueue(new LogLine(logLevel, category, formatter(state, exception), properties));
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace PeerSync.TestKit.MultiNode;

/// <summary>
/// Writes the log entries of every node of a multi-node test to the test's output, one line each:
/// seconds since the harness started, the node, the level, the category's last part and the
/// message, so a failing test reads as one timeline.
/// </summary>
internal sealed class MultiNodeLogSink(ITestOutputHelper? output, LogLevel minimumLevel)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly LogLevel _minimumLevel = minimumLevel;

    public TimeSpan Elapsed => _clock.Elapsed;

    public ILoggerProvider For(string node) => new Provider(this, node);

    /// <summary>A line of the harness itself (faults, restarts, observed timings).</summary>
    public void Note(string text) => Write("harness", "note", text);

    private void Write(string node, string level, string text)
    {
        if (output is null)
        {
            return;
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"+{_clock.Elapsed.TotalSeconds,8:0.000} {node,-8} {level,-5} {text}");
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // xunit refuses output once the test finished (a late line from a stopping node).
        }
    }

    private sealed class Provider(MultiNodeLogSink sink, string node) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(sink, node, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(MultiNodeLogSink sink, string node, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= sink._minimumLevel && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var text = $"{category}: {formatter(state, exception)}";
            if (exception is not null)
            {
                text += $" ({exception.GetType().Name}: {exception.Message})";
            }

            sink.Write(node, Short(logLevel), text);
        }

        private static string Short(LogLevel level) => level switch
        {
            LogLevel.Trace => "trace",
            LogLevel.Debug => "debug",
            LogLevel.Information => "info",
            LogLevel.Warning => "WARN",
            LogLevel.Error => "ERROR",
            _ => "FATAL",
        };
    }
}

using Microsoft.Extensions.Logging;

namespace PeerSync.TestKit.MultiNode;

/// <summary>Passes only entries at or above <paramref name="minimum"/> to <paramref name="inner"/> (keeps per-node captures small).</summary>
internal sealed class LevelFilteredProvider(ILoggerProvider inner, LogLevel minimum) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Filtered(inner.CreateLogger(categoryName), minimum);

    public void Dispose() => inner.Dispose();

    private sealed class Filtered(ILogger logger, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => logger.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                logger.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}

using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace PeerSync.Hosting.Logging;

/// <summary>Microsoft.Extensions.Logging levels (what configuration uses) to Serilog's and back.</summary>
internal static class LogLevels
{
    /// <summary>Serilog's level, or null for <see cref="LogLevel.None"/> (nothing passes).</summary>
    public static LogEventLevel? ToSerilog(LogLevel level) => level switch
    {
        LogLevel.Trace => LogEventLevel.Verbose,
        LogLevel.Debug => LogEventLevel.Debug,
        LogLevel.Information => LogEventLevel.Information,
        LogLevel.Warning => LogEventLevel.Warning,
        LogLevel.Error => LogEventLevel.Error,
        LogLevel.Critical => LogEventLevel.Fatal,
        _ => null,
    };

    public static LogLevel FromSerilog(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => LogLevel.Trace,
        LogEventLevel.Debug => LogLevel.Debug,
        LogEventLevel.Information => LogLevel.Information,
        LogEventLevel.Warning => LogLevel.Warning,
        LogEventLevel.Error => LogLevel.Error,
        _ => LogLevel.Critical,
    };
}

using Microsoft.Extensions.Logging;

namespace PeerSync.Hosting.Options;

/// <summary>`peersync.logging`: where log events go. Levels are trace, debug, information,
/// warning, error, critical or none (none turns a destination off).</summary>
public sealed class LoggingOptions
{
    /// <summary>`console`.</summary>
    public ConsoleLoggingOptions Console { get; set; } = new();

    /// <summary>`file`.</summary>
    public FileLoggingOptions File { get; set; } = new();

    /// <summary>`recent`.</summary>
    public RecentLoggingOptions Recent { get; set; } = new();

    /// <summary>
    /// `overrides`: the minimum level of a logger category and the categories below it
    /// (`"PeerSync.Remote" = debug` also covers `PeerSync.Remote.Transport`), for every destination,
    /// in place of the destinations' own levels. The longest matching category wins. Default:
    /// `Microsoft.AspNetCore` at warning, because ASP.NET Core logs every request at information.
    /// </summary>
    public IDictionary<string, LogLevel> Overrides { get; set; } =
        new Dictionary<string, LogLevel>(StringComparer.Ordinal) { ["Microsoft.AspNetCore"] = LogLevel.Warning };
}

/// <summary>How console lines look.</summary>
public enum ConsoleLogFormat
{
    /// <summary>One readable line per event: time, level, node, category, message.</summary>
    Human,

    /// <summary>One JSON object per line (Serilog's JSON formatter), for log collectors.</summary>
    Json,
}

/// <summary>`peersync.logging.console`: standard output.</summary>
public sealed class ConsoleLoggingOptions
{
    /// <summary>`level`: default information, one line per state transition (STYLE.md, Logging).</summary>
    public LogLevel Level { get; set; } = LogLevel.Information;

    /// <summary>`format`: human (default) or json.</summary>
    public ConsoleLogFormat Format { get; set; } = ConsoleLogFormat.Human;
}

/// <summary>`peersync.logging.file`: an optional JSON-lines file, rolled by size.</summary>
public sealed class FileLoggingOptions
{
    /// <summary>`path`: the log file; empty (default) writes no file. Relative to the working directory.</summary>
    public string Path { get; set; } = "";

    /// <summary>`level`: default information, as the console.</summary>
    public LogLevel Level { get; set; } = LogLevel.Information;

    /// <summary>`max-size` in bytes: the file rolls over to a new one at this size. Default 100 MiB,
    /// a few days of information-level logs of a busy node.</summary>
    public long MaxSizeBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>`retained-files`: log files kept, the current one included; the oldest is deleted.
    /// Default 5, so logs use at most 500 MiB of disk at the default size.</summary>
    public int RetainedFiles { get; set; } = 5;
}

/// <summary>`peersync.logging.recent`: the in-memory buffer that `GET /v1/node/logs` and
/// `psync log peek` read.</summary>
public sealed class RecentLoggingOptions
{
    /// <summary>`capacity`: events kept, the oldest dropped first (and counted). Default 1000, the
    /// API's largest page, a few hundred KiB of memory.</summary>
    public int Capacity { get; set; } = 1000;

    /// <summary>`level`: default information, so debug noise does not push out the lines that matter.</summary>
    public LogLevel Level { get; set; } = LogLevel.Information;
}

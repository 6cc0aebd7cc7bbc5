using System.Globalization;
using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Options;
using PeerSync.Remote.Addressing;
using Serilog;
using Serilog.Extensions.Logging;
using Serilog.Formatting;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;

namespace PeerSync.Hosting.Logging;

/// <summary>
/// A node's logging, built from `peersync.logging`: Serilog behind Microsoft.Extensions.Logging,
/// with a human-readable (or JSON) console, an optional JSON-lines file rolled by size, and the
/// in-memory <see cref="Recent"/> buffer. Every event carries the property `NodeId` (unless the
/// message itself has one: a message's own properties are never overwritten). Dispose to flush.
/// </summary>
public sealed class NodeLogging : IDisposable
{
    /// <summary>The console line: time, level, node, category, message, then the exception if any.</summary>
    public const string HumanTemplate = "{Timestamp:HH:mm:ss.fff} {Level:u3} [{NodeId}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>The property every event carries.</summary>
    public const string NodeIdProperty = "NodeId";

    private readonly SerilogLoggerFactory _factory;

    private NodeLogging(Serilog.Core.Logger logger, RecentLogEvents recent)
    {
        Logger = logger;
        Recent = recent;
        _factory = new SerilogLoggerFactory(logger, dispose: true);
    }

    /// <summary>Creates loggers for the node's components (actors, transports, the HTTP host).</summary>
    public ILoggerFactory LoggerFactory => _factory;

    /// <summary>The recent events, for `GET /v1/node/logs`.</summary>
    public RecentLogEvents Recent { get; }

    /// <summary>The Serilog logger behind <see cref="LoggerFactory"/> (for <c>ILoggingBuilder.AddSerilog</c>).</summary>
    public Serilog.ILogger Logger { get; }

    /// <summary>The node's logging from its validated options (`peersync.logging`, `peersync.node.id`).</summary>
    public static NodeLogging Create(PeerSyncOptions options, TextWriter? console = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Create(options.Logging, options.ParseNodeId(), console);
    }

    /// <summary>
    /// Builds the pipeline. <paramref name="console"/> replaces standard output (tests, embedders
    /// that capture output); null writes to the process console.
    /// </summary>
    public static NodeLogging Create(LoggingOptions options, NodeId nodeId, TextWriter? console = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var levels = new CategoryLevels(options.Overrides);
        var recent = new RecentLogEvents(options.Recent.Capacity);
        var writeFile = options.File.Path.Trim().Length > 0;

        var used = new List<LogLevel> { options.Console.Level, options.Recent.Level };
        if (writeFile)
        {
            used.Add(options.File.Level);
        }

        used.AddRange(levels.Overrides.Select(o => o.Level));
        var minimum = used.Where(l => l != LogLevel.None).DefaultIfEmpty(LogLevel.Critical).Min();

        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(LogLevels.ToSerilog(minimum)!.Value)
            .Enrich.WithProperty(NodeIdProperty, nodeId.Value);
        foreach (var (category, level) in levels.Overrides)
        {
            // Serilog skips building events below a category's level; the filters below decide the rest.
            configuration.MinimumLevel.Override(category, LogLevels.ToSerilog(level) ?? Serilog.Events.LogEventLevel.Fatal);
        }

        AddDestination(configuration, levels, options.Console.Level, sink => AddConsole(sink, options.Console.Format, console));
        if (writeFile)
        {
            AddDestination(configuration, levels, options.File.Level, sink => sink.File(
                new JsonFormatter(renderMessage: true, formatProvider: CultureInfo.InvariantCulture),
                options.File.Path,
                fileSizeLimitBytes: options.File.MaxSizeBytes,
                rollOnFileSizeLimit: true,
                retainedFileCountLimit: options.File.RetainedFiles));
        }

        AddDestination(configuration, levels, options.Recent.Level, sink => sink.Sink(recent));
        return new NodeLogging(configuration.CreateLogger(), recent);
    }

    public void Dispose() => _factory.Dispose();

    private static void AddDestination(LoggerConfiguration configuration, CategoryLevels levels, LogLevel level, Action<Serilog.Configuration.LoggerSinkConfiguration> writeTo)
    {
        // none turns the destination off; overrides refine the destinations that are on.
        if (level == LogLevel.None)
        {
            return;
        }

        configuration.WriteTo.Logger(sub =>
        {
            sub.Filter.ByIncludingOnly(e => levels.Passes(e, level));
            writeTo(sub.WriteTo);
        });
    }

    private static void AddConsole(Serilog.Configuration.LoggerSinkConfiguration sink, ConsoleLogFormat format, TextWriter? console)
    {
        ITextFormatter formatter = format == ConsoleLogFormat.Json
            ? new JsonFormatter(renderMessage: true, formatProvider: CultureInfo.InvariantCulture)
            : new MessageTemplateTextFormatter(HumanTemplate, CultureInfo.InvariantCulture);
        if (console is not null)
        {
            sink.Sink(new TextWriterSink(formatter, console));
        }
        else if (format == ConsoleLogFormat.Json)
        {
            sink.Console(formatter);
        }
        else
        {
            // The console sink colours levels on a terminal and writes plain text when redirected.
            sink.Console(outputTemplate: HumanTemplate, formatProvider: CultureInfo.InvariantCulture);
        }
    }
}

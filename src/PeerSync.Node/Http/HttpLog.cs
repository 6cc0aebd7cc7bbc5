using Microsoft.Extensions.Logging;

namespace PeerSync.Node.Http;

/// <summary>Every log line of the HTTP server, as source-generated structured templates.</summary>
internal static partial class HttpLog
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "HTTP API listening on {Endpoint} (authentication: {Authentication})")]
    public static partial void Listening(ILogger logger, string endpoint, string authentication);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "HTTP API on {Endpoint} stopped")]
    public static partial void Stopped(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 710, Level = LogLevel.Error, Message = "HTTP {Method} {Path} failed (trace {TraceId})")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path, string traceId);

    [LoggerMessage(EventId = 711, Level = LogLevel.Error, Message = "HTTP {Method} {Path} failed after its answer started; the connection is closed (trace {TraceId})")]
    public static partial void ResponseFailed(ILogger logger, Exception exception, string method, string path, string traceId);

    [LoggerMessage(EventId = 712, Level = LogLevel.Warning, Message = "HTTP {Method} {Path} timed out after {Elapsed} (peersync.http.request-timeout)")]
    public static partial void RequestTimedOut(ILogger logger, string method, string path, TimeSpan elapsed);

    [LoggerMessage(EventId = 720, Level = LogLevel.Warning, Message = "HTTP rate limiting tracks {ClientCount} client addresses, its bound; further new clients share one bucket until idle ones are forgotten")]
    public static partial void RateLimitTableFull(ILogger logger, int clientCount);

    [LoggerMessage(EventId = 730, Level = LogLevel.Debug, Message = "HTTP event stream {Path} ended: {Reason}")]
    public static partial void StreamEnded(ILogger logger, string path, string reason);
}

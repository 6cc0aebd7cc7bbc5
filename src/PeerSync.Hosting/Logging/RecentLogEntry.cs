using Microsoft.Extensions.Logging;

namespace PeerSync.Hosting.Logging;

/// <summary>One event kept by <see cref="RecentLogEvents"/>: what `GET /v1/node/logs` returns per entry.</summary>
/// <param name="Timestamp">When the event was logged.</param>
/// <param name="Level">Its level.</param>
/// <param name="Category">The logger category (Serilog's SourceContext); empty when none.</param>
/// <param name="Message">The rendered message.</param>
/// <param name="Exception">The exception's text (type, message, stack), or null.</param>
public sealed record RecentLogEntry(DateTimeOffset Timestamp, LogLevel Level, string Category, string Message, string? Exception);

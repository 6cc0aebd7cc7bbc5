using Microsoft.Extensions.Logging;

namespace PeerSync.TestKit;

/// <summary>One log entry as the TestKit captured it, with its structured properties and scopes.</summary>
public sealed record CapturedLogEntry(
    LogLevel Level,
    string Category,
    string Message,
    Exception? Exception,
    IReadOnlyDictionary<string, object?> Properties)
{
    public override string ToString() =>
        $"[{Level}] {Category}: {Message}{(Exception is null ? "" : $" ({Exception.GetType().Name}: {Exception.Message})")}";
}

namespace PeerSync.Cli.Api.Model;

/// <summary>`GET /v1/node/logs`: recent log lines the node keeps in memory, oldest first.</summary>
public sealed record LogPage
{
    public required IReadOnlyList<LogEntry> Entries { get; init; }
}

namespace PeerSync.Cli.Api.Model;

public sealed record LogEntry
{
    public required DateTimeOffset Timestamp { get; init; }

    public required string Level { get; init; }

    public required string Message { get; init; }

    public string? Exception { get; init; }
}

using System.Text.Json;

namespace PeerSync.Cli.Api.Model;

/// <summary>`GET /v1/node`.</summary>
public sealed record NodeInfo
{
    public required string Id { get; init; }

    public string? Version { get; init; }

    public string? Incarnation { get; init; }

    public string? Address { get; init; }

    public string? Http { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public double? UptimeSeconds { get; init; }

    public string? Mode { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [];

    public string? DataDir { get; init; }

    /// <summary>A provider name or an object describing it; shown as text either way.</summary>
    public JsonElement Persistence { get; init; }
}

namespace PeerSync.Cli.Api.Model;

/// <summary>One member as the node sees it; `incarnation` is hex, `startedAt` ISO-8601.</summary>
public sealed record ClusterMember
{
    public required string Id { get; init; }

    public string? Address { get; init; }

    public required string Status { get; init; }

    public required bool Reachable { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [];

    public DateTimeOffset? StartedAt { get; init; }

    public string? Incarnation { get; init; }
}

namespace PeerSync.Cli.Api.Model;

/// <summary>`GET /v1/cluster` and the `snapshot` event of `GET /v1/cluster/events`.</summary>
public sealed record ClusterState
{
    public required string Self { get; init; }

    /// <summary>Null in leaderless mode or while no leader is agreed.</summary>
    public string? Leader { get; init; }

    public long? Epoch { get; init; }

    public string? Mode { get; init; }

    public required IReadOnlyList<ClusterMember> Members { get; init; }
}

namespace PeerSync.Cli.Api.Model;

/// <summary>The 202 answer of `POST /v1/cluster/leave[/{id}]` and `POST /v1/cluster/down/{id}`.</summary>
public sealed record MemberChange
{
    public required string Id { get; init; }

    public required string Status { get; init; }
}

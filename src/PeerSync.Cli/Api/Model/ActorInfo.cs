using System.Text.Json;

namespace PeerSync.Cli.Api.Model;

/// <summary>One node of `GET /v1/node/actors`, the live actor tree.</summary>
public sealed record ActorInfo
{
    public required string Name { get; init; }

    public string? Path { get; init; }

    public string? Type { get; init; }

    /// <summary>The mailbox as the node reports it (a queue length or a description).</summary>
    public JsonElement Mailbox { get; init; }

    public IReadOnlyList<ActorInfo> Children { get; init; } = [];
}

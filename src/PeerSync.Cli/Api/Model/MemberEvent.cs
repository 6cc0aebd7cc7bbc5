using System.Text.Json;

namespace PeerSync.Cli.Api.Model;

/// <summary>
/// A `member` event of `GET /v1/cluster/events`: `{type, member, leader, epoch, at}`. The contract
/// leaves `member` open (an id, or a member object with an `id`), so it is kept as JSON and
/// <see cref="MemberId"/> reads either form.
/// </summary>
public sealed record MemberEvent
{
    public required string Type { get; init; }

    public JsonElement Member { get; init; }

    public string? Leader { get; init; }

    public long? Epoch { get; init; }

    public DateTimeOffset? At { get; init; }

    public string? MemberId => Member.ValueKind switch
    {
        JsonValueKind.String => Member.GetString(),
        JsonValueKind.Object when Member.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String => id.GetString(),
        _ => null,
    };
}

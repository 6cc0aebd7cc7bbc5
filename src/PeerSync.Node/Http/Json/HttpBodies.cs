using PeerSync.Hosting.Api;

namespace PeerSync.Node.Http.Json;

// Answer shapes of docs/http-api.md that are not a facade view as it stands.

/// <summary>`GET /v1/node/logs`.</summary>
internal sealed record LogPageBody(IReadOnlyList<LogEntryView> Entries);

/// <summary>The data of an `event: member` of `GET /v1/cluster/events`.</summary>
internal sealed record MemberEventBody(string Type, MemberView? Member, string? Leader, long? Epoch, DateTimeOffset At);

/// <summary>`GET /v1/health/live` and `/ready`: `{status}` or `{status:"not-ready", reason}`.</summary>
internal sealed record HealthBody(string Status)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
}

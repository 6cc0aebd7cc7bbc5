namespace PeerSync.Cli.Api.Model;

/// <summary>One page of `GET /v1/collections/{c}/records`; <see cref="Next"/> is the next `after`, or null.</summary>
public sealed record RecordPage
{
    public required IReadOnlyList<RecordEntry> Items { get; init; }

    public string? Next { get; init; }
}

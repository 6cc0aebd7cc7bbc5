namespace PeerSync.Cli.Api.Model;

/// <summary>The `backfill` part of `GET /v1/sync/status` while a node backfills.</summary>
public sealed record BackfillProgress
{
    public required string Phase { get; init; }

    public long PagesDone { get; init; }

    public string? Source { get; init; }
}

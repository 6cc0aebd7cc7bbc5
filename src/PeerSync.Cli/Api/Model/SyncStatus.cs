namespace PeerSync.Cli.Api.Model;

/// <summary>`GET /v1/sync/status`.</summary>
public sealed record SyncStatus
{
    /// <summary>Uninitialized, Backfilling, CatchingUp or Ready.</summary>
    public required string State { get; init; }

    public string? Mode { get; init; }

    public bool Ready { get; init; }

    public long Records { get; init; }

    public long LogEntries { get; init; }

    public BackfillProgress? Backfill { get; init; }
}

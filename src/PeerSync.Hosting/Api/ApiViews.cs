namespace PeerSync.Hosting.Api;

// The JSON shapes of docs/http-api.md. Property names serialize camelCase.

public sealed record NodeInfoView(
    string Id,
    string Version,
    string Incarnation,
    string Address,
    string Http,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    string Mode,
    IReadOnlyList<string> Roles,
    string DataDir,
    string Persistence);

public sealed record HealthView(bool Ready, string? Reason);

public sealed record LogEntryView(DateTimeOffset Timestamp, string Level, string Message, string? Exception);

public sealed record WriteResultView(string Collection, string Key, string Version, string Origin);

/// <summary>A live record; <see cref="ValueJson"/> is the stored JSON text, emitted as raw JSON.</summary>
public sealed record RecordView(string Collection, string Key, string ValueJson, string Version, string Origin);

public sealed record RecordPageView(IReadOnlyList<RecordView> Items, string? Next);

public sealed record DigestView(string Collection, long Count, string Hash);

/// <summary>One applied change; <see cref="ValueJson"/> is null for a delete.</summary>
public sealed record ChangeView(long Position, string Collection, string Key, string? ValueJson, bool Deleted, string Version, string Origin);

public sealed record MemberView(
    string Id,
    string Address,
    string Status,
    bool Reachable,
    IReadOnlyList<string> Roles,
    DateTimeOffset StartedAt,
    string Incarnation);

public sealed record ClusterView(string Self, string? Leader, long? Epoch, string Mode, IReadOnlyList<MemberView> Members);

/// <summary>
/// A cluster event: <see cref="Type"/> is "snapshot" (with <see cref="Snapshot"/>) or a member event
/// name (MemberUp, ..., LeaderChanged) with the member it concerns.
/// </summary>
public sealed record ClusterEventView(string Type, MemberView? Member, string? Leader, long? Epoch, DateTimeOffset At, ClusterView? Snapshot);

public sealed record MemberCommandView(string Id, string Status);

/// <summary>One peer's replication state: <see cref="AckedWatermark"/> maps origin to the acknowledged position.</summary>
public sealed record SyncPeerView(string Id, string State, long OutboundQueue, IReadOnlyDictionary<string, string> AckedWatermark, long LagMs);

public sealed record BackfillView(string Phase, long PagesDone, string? Source);

public sealed record SyncStatusView(string State, string Mode, bool Ready, long Records, long LogEntries, BackfillView? Backfill);

using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Hosting.Api;

namespace PeerSync.Node.Tests.Http.Fakes;

/// <summary>
/// An in-memory node facade for the HTTP server's tests: canned node data, a record store, a
/// change feed and cluster events the test drives, and switches for the failures the server must
/// map (not ready, not owned, unknown member, unexpected exception).
/// </summary>
internal sealed class FakePeerSyncApi : IPeerSyncApi
{
    public static readonly DateTimeOffset Started = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public FakeRecordsApi FakeRecords { get; } = new();

    public FakeClusterApi FakeCluster { get; } = new();

    public FakeSyncApi FakeSync { get; } = new();

    public NodeInfoView Info { get; set; } = new(
        "n1", "0.1.0", "1a2b", "127.0.0.1:4053", "127.0.0.1:8053", Started, 93784.5, "leader", ["hub"], "data/n1", "sqlite");

    public IRecordsApi Records => FakeRecords;

    public IClusterApi Cluster => FakeCluster;

    public ISyncApi Sync => FakeSync;

    public HealthView HealthState { get; set; } = new(true, null);

    public ActorHierarchyNode ActorTree { get; set; } = new("", "/", "Root", 0,
    [
        new("system", "/system", "SystemGuardian", 0, [new("sync", "/system/sync", "SyncCoordinator", 3, [])]),
        new("user", "/user", "UserGuardian", 0, []),
    ]);

    public List<LogEntryView> Logs { get; } =
    [
        new(Started.AddSeconds(1), "Information", "Member n2 is Up", null),
        new(Started.AddSeconds(2), "Error", "Link to n3 failed", "System.IO.IOException: reset"),
    ];

    public (int Limit, LogLevel Level)? LastLogsQuery { get; private set; }

    /// <summary>When set, <see cref="Health"/> (and so the readiness probe) throws it.</summary>
    public Exception? HealthFailure { get; set; }

    public HealthView Health() => HealthFailure is { } failure ? throw failure : HealthState;

    public ActorHierarchyNode Actors() => ActorTree;

    public IReadOnlyList<LogEntryView> RecentLogs(int limit, LogLevel minimumLevel)
    {
        LastLogsQuery = (limit, minimumLevel);
        return Logs.Take(limit).ToList();
    }
}

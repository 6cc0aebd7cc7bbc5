using Microsoft.Extensions.Logging;
using PeerSync.Actors;

namespace PeerSync.Hosting.Api;

/// <summary>
/// What a running node offers its HTTP API, its CLI and embedders: the records, the cluster, sync
/// state, health and diagnostics. Shapes follow docs/http-api.md one to one, so the HTTP layer
/// only translates. Expected conditions are exceptions of the types in this folder
/// (<see cref="NodeNotReadyException"/>, <see cref="RecordNotOwnedException"/>, ...), each mapped
/// to one HTTP status.
/// </summary>
public interface IPeerSyncApi
{
    NodeInfoView Info { get; }

    IRecordsApi Records { get; }

    IClusterApi Cluster { get; }

    ISyncApi Sync { get; }

    /// <summary>Ready only when the node is Up in the cluster and its sync is Ready (backfill done).</summary>
    HealthView Health();

    /// <summary>The live actor tree.</summary>
    ActorHierarchyNode Actors();

    /// <summary>Recent log lines kept in memory, oldest first.</summary>
    IReadOnlyList<LogEntryView> RecentLogs(int limit, LogLevel minimumLevel);
}

/// <summary>Record reads and writes on this node (writes replicate to the others).</summary>
public interface IRecordsApi
{
    /// <summary>
    /// Writes <paramref name="valueJson"/> (any JSON value, already validated) and returns once it is
    /// durable locally. Throws <see cref="InvalidNameException"/>, <see cref="RecordNotOwnedException"/>
    /// or <see cref="NodeNotReadyException"/>.
    /// </summary>
    Task<WriteResultView> PutAsync(string collection, string key, string valueJson, CancellationToken cancellationToken);

    /// <summary>The live record, or null when absent or deleted.</summary>
    Task<RecordView?> GetAsync(string collection, string key, CancellationToken cancellationToken);

    /// <summary>Writes a tombstone. Null when there was no live record (404).</summary>
    Task<WriteResultView?> DeleteAsync(string collection, string key, CancellationToken cancellationToken);

    /// <summary>Live records ordered by key (ordinal), after <paramref name="after"/>, at most <paramref name="limit"/>.</summary>
    Task<RecordPageView> ListAsync(string collection, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>Count and hash over live (key, value) pairs; equal on converged nodes.</summary>
    Task<DigestView> DigestAsync(string collection, CancellationToken cancellationToken);

    /// <summary>
    /// Changes as this node applies them, after local position <paramref name="since"/> (null: from
    /// now). Ends when cancelled.
    /// </summary>
    IAsyncEnumerable<ChangeView> ChangesAsync(long? since, CancellationToken cancellationToken);
}

/// <summary>The cluster as this node sees it, and the operator's commands.</summary>
public interface IClusterApi
{
    ClusterView State();

    /// <summary>A snapshot first (type "snapshot"), then one event per change. Ends when cancelled.</summary>
    IAsyncEnumerable<ClusterEventView> EventsAsync(CancellationToken cancellationToken);

    /// <summary>This node (null) or member <paramref name="nodeId"/> leaves gracefully. Throws <see cref="UnknownMemberException"/>.</summary>
    Task<MemberCommandView> LeaveAsync(string? nodeId, CancellationToken cancellationToken);

    /// <summary>Marks member <paramref name="nodeId"/> down. Throws <see cref="UnknownMemberException"/>.</summary>
    Task<MemberCommandView> DownAsync(string nodeId, CancellationToken cancellationToken);
}

public interface ISyncApi
{
    IReadOnlyList<SyncPeerView> Peers();

    SyncStatusView Status();
}

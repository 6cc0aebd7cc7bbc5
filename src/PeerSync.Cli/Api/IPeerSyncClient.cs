using System.Text.Json;
using PeerSync.Cli.Api.Model;

namespace PeerSync.Cli.Api;

/// <summary>
/// The node's HTTP API (docs/http-api.md) as typed calls. Every failure is a
/// <see cref="NodeRequestException"/> whose message is ready for the operator.
/// </summary>
public interface IPeerSyncClient
{
    NodeEndpoint Node { get; }

    Task<Reply<ClusterState>> GetClusterAsync(CancellationToken cancellationToken);

    /// <summary>`POST /v1/cluster/leave` for this node, or `/leave/{id}` for another member.</summary>
    Task<Reply<MemberChange>> LeaveAsync(string? memberId, CancellationToken cancellationToken);

    Task<Reply<MemberChange>> DownAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>Opens `GET /v1/cluster/events`; `--timeout` bounds the wait for the answer's headers only.</summary>
    Task<EventStream> OpenClusterEventsAsync(string? lastEventId, CancellationToken cancellationToken);

    Task<Reply<SyncStatus>> GetSyncStatusAsync(CancellationToken cancellationToken);

    Task<Reply<IReadOnlyList<SyncPeer>>> GetSyncPeersAsync(CancellationToken cancellationToken);

    Task<Reply<RecordEntry>> GetRecordAsync(string collection, string key, CancellationToken cancellationToken);

    Task<Reply<RecordWritten>> PutRecordAsync(string collection, string key, JsonElement value, CancellationToken cancellationToken);

    Task<Reply<RecordWritten>> DeleteRecordAsync(string collection, string key, CancellationToken cancellationToken);

    Task<Reply<RecordPage>> ListRecordsAsync(string collection, string? after, int? limit, CancellationToken cancellationToken);

    Task<Reply<NodeInfo>> GetNodeAsync(CancellationToken cancellationToken);

    Task<Reply<ActorInfo>> GetActorsAsync(CancellationToken cancellationToken);

    Task<Reply<LogPage>> GetLogsAsync(int? limit, string? level, CancellationToken cancellationToken);
}

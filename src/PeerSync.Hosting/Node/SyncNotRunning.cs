using System.Runtime.CompilerServices;
using PeerSync.Hosting.Api;
using PeerSync.Hosting.Api.Node;

namespace PeerSync.Hosting.Node;

/// <summary>
/// The sync part of a node whose build has no sync host: every record operation is 503 with the
/// reason, sync reports Uninitialized, and the node never becomes ready. The cluster, health,
/// diagnostics and metrics work as usual.
/// </summary>
internal sealed class SyncNotRunning : IRecordsApi, ISyncApi
{
    private const string Reason = "sync is not running on this node (this build has no sync host)";
    private readonly string _mode;

    public SyncNotRunning(string mode) => _mode = mode;

    public NodeSyncParts Parts => new(this, this, () => false);

    public IReadOnlyList<SyncPeerView> Peers() => [];

    public SyncStatusView Status() => new("Uninitialized", _mode, false, 0, 0, null);

    public Task<WriteResultView> PutAsync(string collection, string key, string valueJson, CancellationToken cancellationToken) =>
        throw new NodeNotReadyException(Reason);

    public Task<RecordView?> GetAsync(string collection, string key, CancellationToken cancellationToken) =>
        throw new NodeNotReadyException(Reason);

    public Task<WriteResultView?> DeleteAsync(string collection, string key, CancellationToken cancellationToken) =>
        throw new NodeNotReadyException(Reason);

    public Task<RecordPageView> ListAsync(string collection, string? after, int limit, CancellationToken cancellationToken) =>
        throw new NodeNotReadyException(Reason);

    public Task<DigestView> DigestAsync(string collection, CancellationToken cancellationToken) =>
        throw new NodeNotReadyException(Reason);

#pragma warning disable CS1998 // The stream fails on its first read, like the other operations.
    public async IAsyncEnumerable<ChangeView> ChangesAsync(long? since, [EnumeratorCancellation] CancellationToken cancellationToken)
#pragma warning restore CS1998
    {
        throw new NodeNotReadyException(Reason);
#pragma warning disable CS0162 // An iterator needs a yield to be one.
        yield break;
#pragma warning restore CS0162
    }
}

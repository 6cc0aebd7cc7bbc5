using System.Runtime.CompilerServices;
using PeerSync.Hosting.Api;
using PeerSync.Hosting.Api.Node;

namespace PeerSync.Hosting.Tests.Api;

/// <summary>
/// Sync parts whose readiness and state the test sets, standing in for the sync component: the
/// facade's own logic (what health says when) is what these tests check.
/// </summary>
internal sealed class SwitchableSync : IRecordsApi, ISyncApi
{
    public bool Ready { get; set; }

    public string State { get; set; } = "Backfilling";

    /// <summary>When set, the sync part's own not-ready reason.</summary>
    public string? Reason { get; set; }

    public NodeSyncParts Parts => new(this, this, () => Ready, Reason is null ? null : () => Reason);

    public IReadOnlyList<SyncPeerView> Peers() => [];

    public SyncStatusView Status() => new(State, "leader", Ready, 0, 0, null);

    public Task<WriteResultView> PutAsync(string collection, string key, string valueJson, CancellationToken cancellationToken) =>
        throw new NodeNotReadyException("records are not part of this test");

    public Task<RecordView?> GetAsync(string collection, string key, CancellationToken cancellationToken) => Task.FromResult<RecordView?>(null);

    public Task<WriteResultView?> DeleteAsync(string collection, string key, CancellationToken cancellationToken) => Task.FromResult<WriteResultView?>(null);

    public Task<RecordPageView> ListAsync(string collection, string? after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(new RecordPageView([], null));

    public Task<DigestView> DigestAsync(string collection, CancellationToken cancellationToken) =>
        Task.FromResult(new DigestView(collection, 0, ""));

    public async IAsyncEnumerable<ChangeView> ChangesAsync(long? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}

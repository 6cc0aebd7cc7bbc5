using PeerSync.Hosting.Api;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Host;
using PeerSync.Sync.Peers;

namespace PeerSync.Hosting.Sync;

/// <summary><see cref="ISyncApi"/> over the host's published snapshot (no store access: cheap and thread-safe).</summary>
internal sealed class SyncStatusApi(SyncHost host, string mode) : ISyncApi
{
    public IReadOnlyList<SyncPeerView> Peers() =>
        [.. host.Snapshot.PeerStates.Where(p => !p.Retired).Select(p => new SyncPeerView(
            p.Peer.Value,
            p.Phase switch
            {
                PeerPhase.Active => "connected",
                PeerPhase.AwaitingHello => "connecting",
                _ => "disconnected",
            },
            p.PendingChanges,
            p.Acknowledged.GroupBy(e => e.Key.Node.Value).ToDictionary(g => g.Key, g => g.Select(e => e.Value).Max().ToString()),
            p.LagMs))];

    public SyncStatusView Status()
    {
        var s = host.Snapshot;
        var backfill = s.Phase is BackfillPhase.Backfilling || s.BackfillPages > 0
            ? new BackfillView(s.Phase.ToString(), s.BackfillPages, s.BackfillSource?.Value)
            : null;
        return new SyncStatusView(s.Phase.ToString(), mode, s.IsReady, s.Records, s.LogEntries, backfill);
    }
}

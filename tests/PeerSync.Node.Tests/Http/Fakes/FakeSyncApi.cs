using PeerSync.Hosting.Api;

namespace PeerSync.Node.Tests.Http.Fakes;

internal sealed class FakeSyncApi : ISyncApi
{
    public List<SyncPeerView> PeerStates { get; } =
    [
        new("n2", "connected", 0, new Dictionary<string, string> { ["n1"] = "120", ["n3"] = "40" }, 0),
        new("n3", "disconnected", 1523, new Dictionary<string, string> { ["n1"] = "97" }, 84000),
    ];

    public SyncStatusView Current { get; set; } = new("Backfilling", "leader", false, 12345, 678, new BackfillView("Backfilling", 7, "n2"));

    public IReadOnlyList<SyncPeerView> Peers() => PeerStates;

    public SyncStatusView Status() => Current;
}

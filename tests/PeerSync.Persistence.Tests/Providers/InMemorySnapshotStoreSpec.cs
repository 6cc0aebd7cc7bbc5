using PeerSync.Persistence.Tests.Tck;

namespace PeerSync.Persistence.Tests.Providers;

public sealed class InMemorySnapshotStoreSpec : SnapshotStoreSpec
{
    protected override StoreTarget CreateTarget() => new InMemoryTarget();
}

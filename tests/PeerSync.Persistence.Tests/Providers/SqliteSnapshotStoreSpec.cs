using PeerSync.Persistence.Tests.Tck;

namespace PeerSync.Persistence.Tests.Providers;

public sealed class SqliteSnapshotStoreSpec : SnapshotStoreSpec
{
    protected override StoreTarget CreateTarget() => new SqliteTarget();
}

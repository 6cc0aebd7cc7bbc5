using PeerSync.Persistence.Tests.Tck;

namespace PeerSync.Persistence.Tests.Providers;

[RequiresPostgres]
public sealed class PostgresSnapshotStoreSpec : SnapshotStoreSpec
{
    protected override StoreTarget CreateTarget() => new PostgresTarget();
}

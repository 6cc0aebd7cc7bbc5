using PeerSync.Persistence.Tests.Tck;

namespace PeerSync.Persistence.Tests.Providers;

public sealed class SqliteDifferentialSpec : DifferentialSpec
{
    protected override StoreTarget CreateTarget() => new SqliteTarget();
}

using PeerSync.Persistence.Tests.Tck;

namespace PeerSync.Persistence.Tests.Providers;

[RequiresPostgres]
public sealed class PostgresDifferentialSpec : DifferentialSpec
{
    protected override StoreTarget CreateTarget() => new PostgresTarget();
}

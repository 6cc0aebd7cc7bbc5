using PeerSync.Persistence.Tests.Tck;

namespace PeerSync.Persistence.Tests.Providers;

[RequiresPostgres]
public sealed class PostgresJournalSpec : JournalSpec
{
    protected override StoreTarget CreateTarget() => new PostgresTarget();
}

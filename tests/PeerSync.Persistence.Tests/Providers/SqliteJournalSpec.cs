using PeerSync.Persistence.Tests.Tck;

namespace PeerSync.Persistence.Tests.Providers;

public sealed class SqliteJournalSpec : JournalSpec
{
    protected override StoreTarget CreateTarget() => new SqliteTarget();
}

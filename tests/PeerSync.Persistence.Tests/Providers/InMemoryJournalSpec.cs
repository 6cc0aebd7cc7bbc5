using PeerSync.Persistence.Tests.Tck;

namespace PeerSync.Persistence.Tests.Providers;

public sealed class InMemoryJournalSpec : JournalSpec
{
    protected override StoreTarget CreateTarget() => new InMemoryTarget();
}

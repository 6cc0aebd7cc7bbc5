using PeerSync.Persistence.Tests.PersistentActors;
using PeerSync.Persistence.Tests.Tck;
using Xunit.Abstractions;

namespace PeerSync.Persistence.Tests.Providers;

public sealed class InMemoryPersistentActorSpec(ITestOutputHelper output) : PersistentActorSpec(output)
{
    protected override StoreTarget CreateTarget() => new InMemoryTarget();
}

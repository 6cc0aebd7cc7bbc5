using PeerSync.Persistence.Tests.PersistentActors;
using PeerSync.Persistence.Tests.Tck;
using Xunit.Abstractions;

namespace PeerSync.Persistence.Tests.Providers;

public sealed class SqlitePersistentActorSpec(ITestOutputHelper output) : SqlPersistentActorSpec(output)
{
    protected override StoreTarget CreateTarget() => new SqliteTarget();

    protected override string BytesLiteral(byte[] bytes) => $"X'{Convert.ToHexString(bytes)}'";
}

using PeerSync.Persistence.Tests.PersistentActors;
using PeerSync.Persistence.Tests.Tck;
using Xunit.Abstractions;

namespace PeerSync.Persistence.Tests.Providers;

[RequiresPostgres]
public sealed class PostgresPersistentActorSpec(ITestOutputHelper output) : SqlPersistentActorSpec(output)
{
    protected override StoreTarget CreateTarget() => new PostgresTarget();

    protected override string BytesLiteral(byte[] bytes) => $"'\\x{Convert.ToHexString(bytes)}'::bytea";
}

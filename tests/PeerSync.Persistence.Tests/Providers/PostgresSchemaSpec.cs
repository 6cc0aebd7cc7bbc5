using PeerSync.Persistence.Tests.Tck;

namespace PeerSync.Persistence.Tests.Providers;

[RequiresPostgres]
public sealed class PostgresSchemaSpec : SqlSchemaSpec
{
    protected override StoreTarget CreateTarget() => new PostgresTarget();

    protected override string ColumnsAndValues(int version) => $"(version, description) VALUES ({version}, 'test')";
}

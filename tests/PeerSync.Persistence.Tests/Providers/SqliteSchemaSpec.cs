using PeerSync.Persistence.Tests.Tck;

namespace PeerSync.Persistence.Tests.Providers;

public sealed class SqliteSchemaSpec : SqlSchemaSpec
{
    protected override StoreTarget CreateTarget() => new SqliteTarget();

    protected override string ColumnsAndValues(int version) => $"(version, description, applied_at_ms) VALUES ({version}, 'test', 0)";
}

using PeerSync.Persistence.Tests.Tck;

namespace PeerSync.Persistence.Tests.Providers;

[RequiresPostgres]
public sealed class PostgresJournalSpec : JournalSpec
{
    protected override StoreTarget CreateTarget() => new PostgresTarget();
}

[RequiresPostgres]
public sealed class PostgresSnapshotStoreSpec : SnapshotStoreSpec
{
    protected override StoreTarget CreateTarget() => new PostgresTarget();
}

[RequiresPostgres]
public sealed class PostgresSchemaSpec : SqlSchemaSpec
{
    protected override StoreTarget CreateTarget() => new PostgresTarget();

    protected override string ColumnsAndValues(int version) => $"(version, description) VALUES ({version}, 'test')";
}

[RequiresPostgres]
public sealed class PostgresCrashRecoverySpec : CrashRecoverySpec
{
    protected override StoreTarget CreateTarget() => new PostgresTarget();

    protected override string[] WriterArguments() =>
        ["postgres", PostgresTestDatabase.RequiredConnectionString(), ((PostgresTarget)Target).Schema];
}

using PeerSync.Persistence.Tests.Tck;

namespace PeerSync.Persistence.Tests.Providers;

[RequiresPostgres]
public sealed class PostgresCrashRecoverySpec : CrashRecoverySpec
{
    protected override StoreTarget CreateTarget() => new PostgresTarget();

    protected override string[] WriterArguments() =>
        ["postgres", PostgresTestDatabase.RequiredConnectionString(), ((PostgresTarget)Target).Schema];
}

using PeerSync.Persistence.Tests.Tck;

namespace PeerSync.Persistence.Tests.Providers;

public sealed class SqliteCrashRecoverySpec : CrashRecoverySpec
{
    protected override StoreTarget CreateTarget() => new SqliteTarget();

    protected override string[] WriterArguments() => ["sqlite", ((SqliteTarget)Target).DataDir];
}

namespace PeerSync.Persistence.Tests.Tck;

/// <summary>A fact that needs PostgreSQL: skipped (reported as such) when `PEERSYNC_TEST_POSTGRES` is unset.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestDatabase.ConnectionString is null)
        {
            Skip = PostgresTestDatabase.SkipReason;
        }
    }
}

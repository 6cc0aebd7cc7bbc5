namespace PeerSync.EndToEnd.Tests.Support;

/// <summary>A fact that needs PostgreSQL: skipped (reported as such) when `PEERSYNC_TEST_POSTGRES` is unset (.ci/run sets it).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "PEERSYNC_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (ConnectionString is null)
        {
            Skip = $"{Variable} is not set (an Npgsql connection string of a server the tests may use)";
        }
    }

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;
}

using Npgsql;
using Xunit.Abstractions;

namespace PeerSync.Persistence.Tests.Tck;

/// <summary>
/// The PostgreSQL server tests may use: `PEERSYNC_TEST_POSTGRES` holds an Npgsql connection string
/// (.ci/run starts a private server and sets it). Unset, PostgreSQL tests are skipped, never passed.
/// </summary>
public static class PostgresTestDatabase
{
    public const string Variable = "PEERSYNC_TEST_POSTGRES";

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs ? cs : null;

    public static string SkipReason => $"{Variable} is not set: no PostgreSQL server to test against (.ci/run starts one)";

    /// <summary>The skip reason for tests of <paramref name="testClass"/>, or null when they can run.</summary>
    public static string? SkipReasonFor(ITypeInfo testClass) =>
        ConnectionString is null && testClass.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any() ? SkipReason : null;

    /// <summary>A schema name no other test uses.</summary>
    public static string NewSchemaName() => "t_" + Guid.NewGuid().ToString("N")[..20];

    public static string RequiredConnectionString() =>
        ConnectionString ?? throw new InvalidOperationException(SkipReason);

    public static async Task ExecuteAsync(string sql, string? schema = null)
    {
        await using var dataSource = NpgsqlDataSource.Create(RequiredConnectionString());
        await using var cmd = dataSource.CreateCommand(schema is null ? sql : $"SET search_path TO \"{schema}\"; {sql}");
        await cmd.ExecuteNonQueryAsync();
    }

    public static Task DropSchemaAsync(string schema) => ExecuteAsync($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
}

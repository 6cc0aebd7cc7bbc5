using Npgsql;
using Xunit.Abstractions;
using static PeerSync.MultiNode.Tests.Sync.SyncTestCluster;

namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>A fact that is reported as skipped (with the reason) when PEERSYNC_TEST_POSTGRES is unset.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "PEERSYNC_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (ConnectionString is null)
        {
            Skip = $"PostgreSQL tests need {Variable} (a connection string); .ci/run sets it";
        }
    }

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : null;
}

/// <summary>The sync host on PostgreSQL: every node its own schemas (records and journal) in one database.</summary>
public sealed class PostgresSyncTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task Three_nodes_on_postgres_replicate_and_converge_and_a_restarted_node_catches_up()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            await using var cluster = await SyncTestCluster.StartAsync(3, output, (o, i) =>
            {
                o.Persistence.Provider = "postgres";
                o.Persistence.ConnectionString = PostgresFactAttribute.ConnectionString!;
                o.Persistence.PostgresSchema = $"{prefix}_journal_{i}";
                o.Persistence.PostgresRecordsSchema = $"{prefix}_records_{i}";
                o.Cluster.Downing.StableAfter = TimeSpan.FromSeconds(60);
            });
            await cluster.AwaitConvergenceAsync();
            await cluster.AwaitSyncReadyAsync();
            var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);
            await CatchUpTests.WriteAsync(n1, 0, 100);
            await n2.PutAsync(Locations, "n2-home", "{\"lat\":1}");
            await cluster.AwaitConvergedAsync([Tags, Locations], minCount: 100);

            await cluster.KillAsync(n3);
            await CatchUpTests.WriteAsync(n2, 100, 50);
            await cluster.RestartAsync(n3);
            await cluster.AwaitSyncReadyAsync([n3]);
            await cluster.AwaitConvergedAsync([Tags, Locations], minCount: 150);
            Assert.InRange(n3.Host().Snapshot.ChangesReceived, 50, 75);
        }
        finally
        {
            await DropSchemasAsync(prefix);
        }
    }

    private static async Task DropSchemasAsync(string prefix)
    {
        await using var connection = new NpgsqlConnection(PostgresFactAttribute.ConnectionString);
        await connection.OpenAsync();
        var schemas = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT nspname FROM pg_namespace WHERE nspname LIKE @p", connection))
        {
            list.Parameters.AddWithValue("p", prefix + "%");
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                schemas.Add(reader.GetString(0));
            }
        }

        foreach (var schema in schemas)
        {
            await using var drop = new NpgsqlCommand($"DROP SCHEMA \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

using Npgsql;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Storage.Sql;
using PeerSync.Sync.Tests.Support;

namespace PeerSync.Sync.Tests.Storage;

/// <summary>The conformance suite on a real server; each test in its own schema, dropped afterwards.</summary>
[RequiresPostgres]
public sealed class PostgresRecordStoreTests : RecordStoreConformance
{
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N")[..16];

    private static string ConnectionString => RequiresPostgresAttribute.ConnectionString
        ?? throw new InvalidOperationException($"{RequiresPostgresAttribute.Variable} is not set");

    // The stores' own connections carry this name, so a test can end exactly them.
    private string StoreConnectionString => new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = _schema }.ConnectionString;

    internal override IStoreBackend CreateBackend() =>
        new PostgresBackend(new PostgresRecordStoreOptions { ConnectionString = StoreConnectionString, Schema = _schema });

    [StoreFact]
    public async Task Reads_and_writes_run_on_a_fresh_connection_when_the_server_ended_the_pooled_ones()
    {
        var store = await OpenNewAsync();
        await store.WriteLocalAsync([new LocalWrite(Ids.C("tags"), Ids.K("before"), CollectionKind.Shared, "1", Ids.H(100))]);

        // A server restart ends every idle pooled connection; the next call of each kind must not fail.
        Assert.NotEqual(0, await TerminateStoreConnectionsAsync());
        var written = await store.WriteLocalAsync([new LocalWrite(Ids.C("tags"), Ids.K("after"), CollectionKind.Shared, "2", Ids.H(200))]);
        Assert.True(written[0].IsWritten);

        Assert.NotEqual(0, await TerminateStoreConnectionsAsync());
        Assert.Equal("1", (await store.GetAsync(Ids.C("tags"), Ids.K("before")))!.Value);

        Assert.NotEqual(0, await TerminateStoreConnectionsAsync());
        Assert.Equal(Ids.H(200), (await store.ReadProgressAsync()).Applied[A]);
        Assert.Equal(2, await store.CountLogEntriesAsync(A));
    }

    [StoreFact]
    public async Task A_write_fails_when_it_fails_again_on_the_fresh_connection()
    {
        var store = await OpenNewAsync();
        await store.WriteLocalAsync([new LocalWrite(Ids.C("tags"), Ids.K("k"), CollectionKind.Shared, "1", Ids.H(100))]);

        // One more try, never a loop: on the fresh connection the table is gone, a real failure.
        await ExecuteAsync($"DROP TABLE \"{_schema}\".sync_log");
        await TerminateStoreConnectionsAsync();

        var failure = await Assert.ThrowsAsync<PostgresException>(() =>
            store.WriteLocalAsync([new LocalWrite(Ids.C("tags"), Ids.K("k"), CollectionKind.Shared, "2", Ids.H(200))]));
        Assert.Equal(PostgresErrorCodes.UndefinedTable, failure.SqlState);
        Assert.Equal("1", (await store.GetAsync(Ids.C("tags"), Ids.K("k")))!.Value);
    }

    [StoreFact]
    public Task WriteLocal_leaves_nothing_of_its_session_when_a_statement_fails() =>
        AssertAFailedStatementLeavesNothingOfItsSessionAsync(key =>
            ExecuteAsync($"ALTER TABLE \"{_schema}\".sync_log ADD CONSTRAINT reject_poison CHECK (rkey <> '{key}')"));

    private async Task<long> TerminateStoreConnectionsAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @app", connection);
        command.Parameters.AddWithValue("app", _schema);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task MakeSchemaNewerAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"INSERT INTO \"{_schema}\".sync_schema_migrations (version, description, applied_at_ms) VALUES (999, 'future', 0)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (RequiresPostgresAttribute.ConnectionString is null)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}

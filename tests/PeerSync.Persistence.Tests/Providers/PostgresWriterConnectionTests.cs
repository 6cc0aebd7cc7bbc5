using Npgsql;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.Tests.Tck;
using static PeerSync.Persistence.Tests.Tck.TestEvents;

namespace PeerSync.Persistence.Tests.Providers;

/// <summary>
/// The PostgreSQL journal's group-commit writer keeps one connection of its own: it must replace
/// it when the server drops it, and give it back when the journal closes.
/// </summary>
[RequiresPostgres]
public sealed class PostgresWriterConnectionTests : IAsyncLifetime
{
    private readonly string _schema = PostgresTestDatabase.NewSchemaName();
    private readonly string _application = "peersync-writer-" + Guid.NewGuid().ToString("N")[..12];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => PostgresTestDatabase.DropSchemaAsync(_schema);

    [PostgresFact]
    public async Task WriteAsync_opens_a_fresh_connection_when_the_server_terminated_the_writer_connection()
    {
        await using var stores = await OpenAsync();
        await stores.Journal.WriteAsync(Write(Id("before"), 1));

        Assert.NotEqual(0, await TerminateOurBackendsAsync());

        // The write that meets the dead connection fails (its outcome is unknown to the writer)...
        var meetsDeadConnection = await Record.ExceptionAsync(() => stores.Journal.WriteAsync(Write(Id("meets-dead"), 1)));
        Assert.True(meetsDeadConnection is null or PersistenceStorageException, $"unexpected {meetsDeadConnection}");

        // ...and every write after it goes through on a new connection.
        await stores.Journal.WriteAsync(Write(Id("after"), 1));
        await stores.Journal.WriteAsync(Write(Id("after"), 2, count: 2));

        Assert.Equal(3, await stores.Journal.ReadHighestSequenceNrAsync(Id("after")));
        Assert.Equal(1, await stores.Journal.ReadHighestSequenceNrAsync(Id("before")));
    }

    [PostgresFact]
    public async Task DisposeAsync_closes_the_writer_connection()
    {
        var stores = await OpenAsync();
        await stores.Journal.WriteAsync(Write(Id("w"), 1));
        Assert.NotEqual(0, await CountOurBackendsAsync());

        await stores.DisposeAsync();

        // The server ends a backend shortly after its client closes: wait for it, bounded.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await CountOurBackendsAsync() != 0)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private Task<PersistenceStores> OpenAsync() =>
        PersistenceFactory.OpenPostgresAsync(new PostgresJournalOptions
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.RequiredConnectionString()) { ApplicationName = _application }.ConnectionString,
            SchemaName = _schema,
        });

    private Task<long> TerminateOurBackendsAsync() =>
        ScalarAsync("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @app");

    private Task<long> CountOurBackendsAsync() =>
        ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE application_name = @app");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(PostgresTestDatabase.RequiredConnectionString());
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue("app", _application);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

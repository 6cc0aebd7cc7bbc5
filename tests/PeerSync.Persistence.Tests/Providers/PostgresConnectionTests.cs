using Npgsql;
using PeerSync.Persistence.Configuration;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.Model;
using PeerSync.Persistence.Tests.Tck;
using static PeerSync.Persistence.Tests.Tck.TestEvents;

namespace PeerSync.Persistence.Tests.Providers;

/// <summary>
/// Connections the server ended (a restart, a terminated backend) while they sat idle: the
/// journal's group-commit writer keeps one of its own and must replace it, and pooled ones used by
/// reads, deletes and snapshots must not fail the first call after a restart. The writer's
/// connection also goes back when the journal closes.
/// </summary>
[RequiresPostgres]
public sealed class PostgresConnectionTests : IAsyncLifetime
{
    private readonly string _schema = PostgresTestDatabase.NewSchemaName();
    private readonly string _application = "peersync-writer-" + Guid.NewGuid().ToString("N")[..12];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => PostgresTestDatabase.DropSchemaAsync(_schema);

    [PostgresFact]
    public async Task WriteAsync_writes_on_a_fresh_connection_when_the_server_ended_the_idle_writer_connection()
    {
        await using var stores = await OpenAsync();
        await stores.Journal.WriteAsync(Write(Id("before"), 1));

        Assert.NotEqual(0, await TerminateOurBackendsAsync());

        // COMMIT never reached the server on the dead connection, so the batch is simply written
        // again on a new one: no write fails because the server restarted while the node was idle.
        await stores.Journal.WriteAsync(Write(Id("after"), 1));
        await stores.Journal.WriteAsync(Write(Id("after"), 2, count: 2));

        Assert.Equal(3, await stores.Journal.ReadHighestSequenceNrAsync(Id("after")));
        Assert.Equal(1, await stores.Journal.ReadHighestSequenceNrAsync(Id("before")));
    }

    [PostgresFact]
    public async Task WriteAsync_fails_the_batch_when_the_write_fails_again_on_the_fresh_connection()
    {
        await using var stores = await OpenAsync();
        await stores.Journal.WriteAsync(Write(Id("w"), 1));

        // The kept connection dies, and on a fresh one the table is gone: the second failure is
        // a real one, reported for the batch (one retry, never a loop).
        await PostgresTestDatabase.ExecuteAsync($"DROP TABLE \"{_schema}\".journal");
        await TerminateOurBackendsAsync();

        var failure = await Assert.ThrowsAsync<PersistenceStorageException>(() => stores.Journal.WriteAsync(Write(Id("w"), 2)));
        Assert.Contains("failed to write persistence id 'w' sequence nrs 2..2", failure.Message, StringComparison.Ordinal);
        Assert.Contains("journal", failure.Message, StringComparison.Ordinal);
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

    [PostgresFact]
    public async Task Reads_deletes_and_snapshots_run_on_a_fresh_connection_when_the_server_ended_the_pooled_ones()
    {
        await using var stores = await OpenAsync();
        await stores.Journal.WriteAsync(Write(Id("p"), 1, count: 3));
        var metadata = new SnapshotMetadata(Id("p"), 2, 7);
        await stores.SnapshotStore.SaveAsync(metadata, new SerializedPayload(1, "m", [7]));

        // Every call below is the first on a pool whose idle connections the server has just ended.
        Assert.NotEqual(0, await TerminateOurBackendsAsync());
        Assert.Equal(3, await stores.Journal.ReadHighestSequenceNrAsync(Id("p")));

        await TerminateOurBackendsAsync();
        var replayed = new List<long>();
        await foreach (var repr in stores.Journal.ReplayAsync(Id("p"), 1, long.MaxValue, long.MaxValue))
        {
            replayed.Add(repr.SequenceNr);
        }

        Assert.Equal([1L, 2L, 3L], replayed);

        await TerminateOurBackendsAsync();
        Assert.Equal([Id("p")], await stores.Journal.CurrentPersistenceIdsAsync());

        await TerminateOurBackendsAsync();
        Assert.Equal(metadata, (await stores.SnapshotStore.LoadAsync(Id("p"), SnapshotSelectionCriteria.Latest))!.Metadata);

        await TerminateOurBackendsAsync();
        await stores.Journal.DeleteMessagesToAsync(Id("p"), 2);
        Assert.Equal(3, await stores.Journal.ReadHighestSequenceNrAsync(Id("p")));

        await TerminateOurBackendsAsync();
        await stores.SnapshotStore.DeleteAsync(metadata);
        Assert.Null(await stores.SnapshotStore.LoadAsync(Id("p"), SnapshotSelectionCriteria.Latest));
    }

    [PostgresFact]
    public async Task A_read_fails_with_the_journal_named_when_it_fails_again_on_the_fresh_connection()
    {
        await using var stores = await OpenAsync();
        await stores.Journal.WriteAsync(Write(Id("p"), 1));
        Assert.Equal(1, await stores.Journal.ReadHighestSequenceNrAsync(Id("p")));

        await PostgresTestDatabase.ExecuteAsync($"DROP TABLE \"{_schema}\".journal_metadata");
        await TerminateOurBackendsAsync();

        var failure = await Assert.ThrowsAsync<PersistenceStorageException>(() => stores.Journal.ReadHighestSequenceNrAsync(Id("p")));
        Assert.Contains("could not read the highest sequence nr of persistence id 'p'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("journal_metadata", failure.Message, StringComparison.Ordinal);
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

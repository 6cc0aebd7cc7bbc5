using Npgsql;
using PeerSync.Sync.Clock;
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

    [StoreFact]
    public async Task A_write_call_and_reads_cost_the_round_trips_the_design_note_counts()
    {
        // Counted where they happen (the server's ReadyForQuery messages through a proxy), so a
        // change that adds a round trip to a call fails here rather than only in a benchmark.
        // Before these counts a write call of 100 changes took 8, a lookup of 100 keys 101.
        var server = new NpgsqlConnectionStringBuilder(ConnectionString);
        await using var counter = new PostgresRoundTripCounter(server.Host!, server.Port);
        var proxied = new NpgsqlConnectionStringBuilder(StoreConnectionString)
        {
            Host = "127.0.0.1", Port = counter.Port, SslMode = SslMode.Disable, GssEncryptionMode = GssEncryptionMode.Disable, NoResetOnClose = true,
        };
        await using var store = new RecordStore(new PostgresBackend(new PostgresRecordStoreOptions { ConnectionString = proxied.ConnectionString, Schema = _schema }));
        await store.OpenAsync(A.Node, A.Epoch);
        var hlc = 1_000;
        List<LocalWrite> Writes(string prefix) =>
            [.. Enumerable.Range(0, 100).Select(i => new LocalWrite(Ids.C("tags"), Ids.K($"{prefix}{i}"), CollectionKind.Shared, "1", Ids.H(++hlc)))];
        await store.WriteLocalAsync(Writes("warm"));

        async Task<long> RoundTripsOf(Func<Task> call)
        {
            var before = counter.RoundTrips;
            await call();
            return counter.RoundTrips - before;
        }

        Assert.Equal(WriteCallRoundTrips, await RoundTripsOf(() => store.WriteLocalAsync(Writes("new"))));
        Assert.Equal(WriteCallRoundTrips, await RoundTripsOf(() => store.WriteLocalAsync(Writes("new"))));
        Assert.Equal(WriteCallRoundTrips, await RoundTripsOf(() => store.ApplyRemoteAsync(
            [new ChangeRange(B, Hlc.Zero, Ids.H(50_000), [.. Enumerable.Range(0, 100).Select(i => Ids.Shared("tags", $"r{i}", "2", B, Ids.H(40_000 + i)))])])));
        Assert.Equal(ReadCallRoundTrips, await RoundTripsOf(() => store.GetAsync(Ids.C("tags"), Ids.K("new1"))));
        Assert.Equal(ReadCallRoundTrips, await RoundTripsOf(() => store.ReadVersionsAsync(Ids.C("tags"), [.. Enumerable.Range(0, 100).Select(i => Ids.K($"new{i}"))])));
        Assert.Equal(ReadCallRoundTrips, await RoundTripsOf(() => store.ListAsync(Ids.C("tags"), null, 10)));
        Assert.Equal(ReadCallRoundTrips, await RoundTripsOf(() => store.GetCollectionDigestAsync(Ids.C("tags"))));

        // Two statements (origins, metadata) must read one snapshot: a transaction, whose end is a round trip.
        Assert.Equal(2, await RoundTripsOf(() => store.ReadProgressAsync()));
    }

    [StoreFact]
    public async Task A_one_read_session_refuses_a_second_statement_naming_it()
    {
        // It has no transaction, so a second statement would read another snapshot than the first.
        var backend = await OpenBackendAsync();
        await using var session = await backend.BeginOneReadAsync(default);
        Assert.Empty(await session.ReadOriginsAsync(default));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => session.CountTombstonesAsync(default).AsTask());
        Assert.Contains("ran a second statement: SELECT COUNT(*)", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.CommitAsync(default).AsTask());
    }

    // A write call: origins, counters, record lookups and digests; writes and COMMIT.
    private const long WriteCallRoundTrips = 2;

    // A read of one statement: no transaction (which would cost a ROLLBACK).
    private const long ReadCallRoundTrips = 1;

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

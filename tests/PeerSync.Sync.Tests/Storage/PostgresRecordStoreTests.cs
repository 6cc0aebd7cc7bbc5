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

        // Reads of several statements read one snapshot: one batch in a REPEATABLE READ transaction
        // that the batch itself ends. Before, each statement was a round trip and the ROLLBACK one
        // more: progress 2, a stream 4, a snapshot page 3, bucket entries 3, a stream count 3.
        ChangeRange? stream = null;
        SnapshotPage? page = null;
        string[] severalStatements =
        [
            $"progress {await RoundTripsOf(() => store.ReadProgressAsync())}",
            $"stream {await RoundTripsOf(async () => stream = await store.ReadStreamAsync(A, Hlc.Zero, Ids.H(hlc), 50))}",
            $"snapshot page {await RoundTripsOf(async () => page = await store.ReadSnapshotPageAsync(null, 50))}",
            $"bucket entries {await RoundTripsOf(() => store.ReadBucketEntriesAsync(Ids.C("tags"), [.. Enumerable.Range(0, 16)]))}",
            $"stream count {await RoundTripsOf(() => store.CountStreamAfterAsync(A, Hlc.Zero))}",
        ];
        Assert.Equal(["progress 1", "stream 1", "snapshot page 1", "bucket entries 1", "stream count 1"], severalStatements);
        Assert.Equal(50, stream!.Changes.Count);
        Assert.Equal(50, page!.Records.Count);
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

    [StoreFact]
    public async Task Reads_of_several_statements_hand_back_their_connection_outside_a_transaction()
    {
        // Their batch's last statement ends the snapshot transaction. A connection back in the pool
        // inside one would keep its snapshot (holding back vacuum) until its next use.
        var store = await OpenNewAsync();
        await store.WriteLocalAsync([new LocalWrite(Ids.C("tags"), Ids.K("k"), CollectionKind.Shared, "1", Ids.H(100))]);

        Assert.Equal(Ids.H(100), (await store.ReadProgressAsync()).Applied[A]);
        Assert.Single((await store.ReadStreamAsync(A, Hlc.Zero, Ids.H(200), 10))!.Changes);
        Assert.Single((await store.ReadSnapshotPageAsync(null, 10)).Records);
        Assert.Empty((await store.ReadBucketEntriesAsync(Ids.C("places"), [0, 1])).Entries);

        Assert.Equal(["idle, no snapshot"], await StoreConnectionStatesAsync());
    }

    [StoreFact]
    public async Task A_read_whose_batch_fails_fails_with_the_server_error_and_rolls_back()
    {
        var store = await OpenNewAsync();
        await store.WriteLocalAsync([new LocalWrite(Ids.C("tags"), Ids.K("k"), CollectionKind.Shared, "1", Ids.H(100))]);
        await ExecuteAsync($"DROP TABLE \"{_schema}\".sync_log");

        // The log read fails in the middle of the batch: the rest, ROLLBACK included, is skipped,
        // so disposing the session rolls back before the connection goes back to the pool.
        var failure = await Assert.ThrowsAsync<PostgresException>(() => store.ReadStreamAsync(A, Hlc.Zero, Ids.H(200), 10));
        Assert.Equal(PostgresErrorCodes.UndefinedTable, failure.SqlState);
        Assert.Equal(["idle, no snapshot"], await StoreConnectionStatesAsync());
        Assert.Equal(Ids.H(100), (await store.ReadProgressAsync()).Applied[A]);
    }

    [StoreFact]
    public async Task A_snapshot_page_reads_one_snapshot_while_a_writer_commits_between_its_statements()
    {
        // The page's origins read takes the snapshot; its scan then waits for a lock on the records
        // held by a writer, which commits a record meanwhile. The scan reads the snapshot, so the
        // page lacks that record (a statement reading a snapshot of its own would see it).
        var store = await OpenNewAsync();
        await store.WriteLocalAsync([new LocalWrite(Ids.C("tags"), Ids.K("k"), CollectionKind.Shared, "1", Ids.H(100))]);
        await using var writer = new NpgsqlConnection(ConnectionString);
        await writer.OpenAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        var records = $"\"{_schema}\".sync_records";
        const string Columns = "collection, rkey, owned, deleted, value, hlc, origin_node, origin_epoch, bucket, position";
        await using (var command = new NpgsqlCommand(
            $"LOCK TABLE {records} IN ACCESS EXCLUSIVE MODE; INSERT INTO {records} ({Columns}) SELECT {Columns.Replace("rkey", "'late'", StringComparison.Ordinal)} FROM {records}",
            writer, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        var page = store.ReadSnapshotPageAsync(null, 10);
        await WaitUntilAStoreConnectionWaitsForALockAsync();
        await transaction.CommitAsync();

        Assert.Equal(["k"], (await page).Records.Select(r => r.Key.Value));
        Assert.Equal(["k", "late"], (await store.ReadSnapshotPageAsync(null, 10)).Records.Select(r => r.Key.Value));
    }

    // A write call: origins, counters, record lookups and digests; writes and COMMIT.
    private const long WriteCallRoundTrips = 2;

    // A read call: one statement without a transaction, or one batch that begins and ends its own.
    private const long ReadCallRoundTrips = 1;

    /// <summary>The distinct states of the stores' connections, each with whether it holds a snapshot.</summary>
    private async Task<List<string>> StoreConnectionStatesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT DISTINCT state || CASE WHEN backend_xmin IS NULL THEN ', no snapshot' ELSE ', holding a snapshot' END FROM pg_stat_activity WHERE application_name = @app",
            connection);
        command.Parameters.AddWithValue("app", _schema);
        var states = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            states.Add(reader.GetString(0));
        }

        return states;
    }

    /// <summary>Polls (for at most 30 s) until one of the stores' connections waits for a lock.</summary>
    private async Task WaitUntilAStoreConnectionWaitsForALockAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = @app AND wait_event_type = 'Lock'", connection);
        command.Parameters.AddWithValue("app", _schema);
        while ((long)(await command.ExecuteScalarAsync(timeout.Token))! == 0)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

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

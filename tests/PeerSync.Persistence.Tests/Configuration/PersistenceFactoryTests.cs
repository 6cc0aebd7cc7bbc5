using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.Sqlite;
using PeerSync.Persistence.Tests.Tck;
using static PeerSync.Persistence.Tests.Tck.TestEvents;

namespace PeerSync.Persistence.Tests.Configuration;

public sealed class PersistenceFactoryTests : IAsyncLifetime
{
    private readonly SqliteTarget _sqlite = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sqlite.DisposeAsync();

    private static async Task<PersistenceOptionsException> Refused(PersistenceOptions options) =>
        await Assert.ThrowsAsync<PersistenceOptionsException>(() => PersistenceFactory.OpenAsync(options));

    [Fact]
    public async Task OpenAsync_names_the_key_and_the_accepted_values_when_the_provider_is_unknown()
    {
        var ex = await Refused(new PersistenceOptions { Provider = "mysql" });

        Assert.Equal(PersistenceConfigKeys.Provider, ex.Key);
        Assert.Equal("peersync.persistence.provider: unknown provider 'mysql'; accepted values: sqlite, postgres, inmemory", ex.Message);
    }

    [Fact]
    public async Task OpenAsync_requires_the_data_dir_for_sqlite()
    {
        var ex = await Refused(new PersistenceOptions { Provider = "sqlite" });
        Assert.Equal(PersistenceConfigKeys.DataDir, ex.Key);
        Assert.Contains("required for the sqlite provider", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_refuses_a_connection_string_for_sqlite_or_inmemory()
    {
        var sqlite = await Refused(new PersistenceOptions { Provider = "sqlite", DataDir = _sqlite.DataDir, ConnectionString = "Host=x" });
        var memory = await Refused(new PersistenceOptions { Provider = "inmemory", ConnectionString = "Host=x" });

        Assert.Equal(PersistenceConfigKeys.ConnectionString, sqlite.Key);
        Assert.Contains("must be empty for the sqlite provider", sqlite.Message, StringComparison.Ordinal);
        Assert.Contains("must be empty for the inmemory provider", memory.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_requires_a_valid_connection_string_and_schema_for_postgres()
    {
        var missing = await Refused(new PersistenceOptions { Provider = "postgres" });
        var garbled = await Refused(new PersistenceOptions { Provider = "postgres", ConnectionString = "NoSuchKeyword=1" });
        var schema = await Refused(new PersistenceOptions { Provider = "postgres", ConnectionString = "Host=127.0.0.1", PostgresSchema = "Bad-Name" });

        Assert.Equal(PersistenceConfigKeys.ConnectionString, missing.Key);
        Assert.Contains("required for the postgres provider", missing.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid Npgsql connection string", garbled.Message, StringComparison.Ordinal);
        Assert.Equal(PersistenceConfigKeys.PostgresSchema, schema.Key);
        Assert.Contains("'Bad-Name'", schema.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 10, "peersync.persistence.journal.max-batch-events")]
    [InlineData(100_001, 10, "peersync.persistence.journal.max-batch-events")]
    [InlineData(10, 0, "peersync.persistence.journal.max-pending-writes")]
    public async Task OpenAsync_names_the_journal_key_that_is_out_of_range(int maxBatchEvents, int maxPendingWrites, string key)
    {
        var ex = await Refused(new PersistenceOptions
        {
            Provider = "sqlite",
            DataDir = _sqlite.DataDir,
            Journal = new JournalOptions { MaxBatchEvents = maxBatchEvents, MaxPendingWrites = maxPendingWrites },
        });

        Assert.Equal(key, ex.Key);
    }

    [Fact]
    public async Task OpenAsync_names_the_busy_timeout_key_when_it_is_negative()
    {
        var ex = await Refused(new PersistenceOptions { Provider = "sqlite", DataDir = _sqlite.DataDir, SqliteBusyTimeoutMs = -5 });

        Assert.Equal(PersistenceConfigKeys.SqliteBusyTimeout, ex.Key);
        Assert.Contains("got -5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SqliteJournalOptions_reject_a_path_as_file_name_an_unknown_level_and_a_bad_timeout()
    {
        var baseline = new SqliteJournalOptions { DataDir = "d" };
        Assert.Equal(PersistenceConfigKeys.SqliteFileName, Assert.Throws<PersistenceOptionsException>(() => (baseline with { FileName = "../x.db" }).Validate()).Key);
        Assert.Equal(PersistenceConfigKeys.SqliteSynchronous, Assert.Throws<PersistenceOptionsException>(() => (baseline with { Synchronous = (SqliteSynchronous)9 }).Validate()).Key);
        Assert.Equal(PersistenceConfigKeys.SqliteBusyTimeout, Assert.Throws<PersistenceOptionsException>(() => (baseline with { BusyTimeoutMs = -1 }).Validate()).Key);
    }

    [Fact]
    public async Task OpenAsync_opens_sqlite_in_the_data_dir_with_the_provider_name_in_any_case()
    {
        await using var stores = await PersistenceFactory.OpenAsync(new PersistenceOptions { Provider = " SQLite ", DataDir = _sqlite.DataDir });
        await stores.Journal.WriteAsync(Write(Id("factory"), 1));

        Assert.Equal("sqlite", stores.Provider);
        Assert.Equal(_sqlite.DatabasePath, stores.Location);
        Assert.True(File.Exists(_sqlite.DatabasePath));
    }

    [Fact]
    public async Task OpenAsync_creates_inmemory_stores_that_share_nothing_between_calls()
    {
        await using var first = await PersistenceFactory.OpenAsync(new PersistenceOptions { Provider = "inmemory" });
        await using var second = await PersistenceFactory.OpenAsync(new PersistenceOptions { Provider = "inmemory" });
        await first.Journal.WriteAsync(Write(Id("m"), 1));

        Assert.Equal("inmemory", first.Provider);
        Assert.Equal(0, await second.Journal.ReadHighestSequenceNrAsync(Id("m")));
    }

    [PostgresFact]
    public async Task OpenAsync_opens_postgres_creating_the_configured_schema()
    {
        var schema = PostgresTestDatabase.NewSchemaName();
        try
        {
            await using var stores = await PersistenceFactory.OpenAsync(new PersistenceOptions
            {
                Provider = "postgres",
                ConnectionString = PostgresTestDatabase.RequiredConnectionString(),
                PostgresSchema = schema,
            });
            await stores.Journal.WriteAsync(Write(Id("factory"), 1));

            Assert.Equal("postgres", stores.Provider);
            Assert.EndsWith($"/{schema}", stores.Location, StringComparison.Ordinal);
            Assert.DoesNotContain("Password", stores.Location, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await PostgresTestDatabase.DropSchemaAsync(schema);
        }
    }
}

using Microsoft.Data.Sqlite;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.InMemory;

namespace PeerSync.Persistence.Tests.Tck;

/// <summary>
/// One provider's storage for one test: a fresh temp data dir, PostgreSQL schema or in-memory
/// store. Opening again reaches the same data; disposing removes it.
/// </summary>
public abstract class StoreTarget : IAsyncDisposable
{
    public abstract Task<PersistenceStores> OpenAsync(JournalOptions? journal = null);

    /// <summary>Runs raw SQL against the provider's database (schema tests tamper with it).</summary>
    public abstract Task ExecuteSqlAsync(string sql);

    public abstract ValueTask DisposeAsync();
}

public sealed class SqliteTarget : StoreTarget
{
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "peersync-persistence-tests", Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(DataDir, "persistence.db");

    public override Task<PersistenceStores> OpenAsync(JournalOptions? journal = null) =>
        PersistenceFactory.OpenSqliteAsync(new SqliteJournalOptions { DataDir = DataDir, Journal = journal ?? new JournalOptions() });

    public override Task ExecuteSqlAsync(string sql)
    {
        Directory.CreateDirectory(DataDir);
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }

        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        if (Directory.Exists(DataDir))
        {
            Directory.Delete(DataDir, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

public sealed class PostgresTarget : StoreTarget
{
    public string Schema { get; } = PostgresTestDatabase.NewSchemaName();

    public override Task<PersistenceStores> OpenAsync(JournalOptions? journal = null) =>
        PersistenceFactory.OpenPostgresAsync(new PostgresJournalOptions
        {
            ConnectionString = PostgresTestDatabase.RequiredConnectionString(),
            SchemaName = Schema,
            Journal = journal ?? new JournalOptions(),
        });

    public override async Task ExecuteSqlAsync(string sql)
    {
        await PostgresTestDatabase.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS \"{Schema}\"");
        await PostgresTestDatabase.ExecuteAsync(sql, Schema);
    }

    public override async ValueTask DisposeAsync()
    {
        if (PostgresTestDatabase.ConnectionString is not null)
        {
            await PostgresTestDatabase.DropSchemaAsync(Schema);
        }
    }
}

public sealed class InMemoryTarget : StoreTarget
{
    private readonly InMemoryFaults _faults = new();
    private readonly InMemoryJournal _journal;
    private readonly InMemorySnapshotStore _snapshots;

    public InMemoryTarget()
    {
        _journal = new InMemoryJournal(_faults);
        _snapshots = new InMemorySnapshotStore(_faults);
    }

    public InMemoryFaults Faults => _faults;

    public override Task<PersistenceStores> OpenAsync(JournalOptions? journal = null) =>
        Task.FromResult(new PersistenceStores(PersistenceFactory.InMemory, "memory", _journal, _snapshots, null));

    public override Task ExecuteSqlAsync(string sql) =>
        throw new NotSupportedException("the in-memory store has no SQL");

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

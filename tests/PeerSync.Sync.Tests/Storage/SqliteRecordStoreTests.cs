using Microsoft.Data.Sqlite;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Storage.Sql;
using PeerSync.Sync.Tests.Support;

namespace PeerSync.Sync.Tests.Storage;

public sealed class SqliteRecordStoreTests : RecordStoreConformance
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "peersync-sync-tests", Guid.NewGuid().ToString("N"));

    internal override IStoreBackend CreateBackend() => new SqliteBackend(new SqliteRecordStoreOptions { DataDir = _dir });

    protected override async Task MakeSchemaNewerAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir, "sync.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO sync_schema_migrations (version, description, applied_at_ms) VALUES (999, 'future', 0)";
        await command.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [StoreFact]
    public Task WriteLocal_leaves_nothing_of_its_session_when_a_statement_fails() =>
        AssertAFailedStatementLeavesNothingOfItsSessionAsync(async key =>
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir, "sync.db")};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE TRIGGER reject_poison BEFORE INSERT ON sync_log WHEN NEW.rkey = '{key}' BEGIN SELECT RAISE(ABORT, 'poisoned key'); END";
            await command.ExecuteNonQueryAsync();
        });

    [Fact]
    public async Task Sqlite_uses_the_wal_journal()
    {
        await OpenNewAsync();
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir, "sync.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }
}

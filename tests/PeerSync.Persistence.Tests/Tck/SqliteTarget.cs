using Microsoft.Data.Sqlite;
using PeerSync.Persistence.Configuration;

namespace PeerSync.Persistence.Tests.Tck;

public sealed class SqliteTarget : StoreTarget
{
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "peersync-persistence-test-" + Guid.NewGuid().ToString("N"));

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

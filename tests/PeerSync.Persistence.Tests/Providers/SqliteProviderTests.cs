using Microsoft.Data.Sqlite;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.Tests.Tck;
using static PeerSync.Persistence.Tests.Tck.TestEvents;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.Tests.Providers;

/// <summary>What only the SQLite provider promises: its file, WAL mode, and errors naming the file.</summary>
public sealed class SqliteProviderTests : IAsyncLifetime
{
    private readonly SqliteTarget _target = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _target.DisposeAsync();

    [Fact]
    public async Task Open_creates_the_data_dir_and_one_database_file_in_wal_mode()
    {
        await using (var stores = await _target.OpenAsync())
        {
            await stores.Journal.WriteAsync(Write(Id("wal"), 1));
            await stores.SnapshotStore.SaveAsync(new Persistence.Model.SnapshotMetadata(Id("wal"), 1, 1), new Actors.Serialization.SerializedPayload(1, "", [1]));
        }

        Assert.Equal(["persistence.db"], Directory.GetFiles(_target.DataDir).Select(Path.GetFileName).Where(f => f!.EndsWith(".db", StringComparison.Ordinal)));
        using var connection = new SqliteConnection($"Data Source={_target.DatabasePath};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public async Task Open_names_the_file_when_it_is_not_a_database()
    {
        Directory.CreateDirectory(_target.DataDir);
        await File.WriteAllTextAsync(_target.DatabasePath, new string('x', 4096));

        var ex = await Assert.ThrowsAsync<PersistenceStorageException>(() => _target.OpenAsync());

        Assert.Contains($"cannot open the SQLite database {_target.DatabasePath}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_names_the_data_dir_key_when_the_directory_cannot_be_created()
    {
        Directory.CreateDirectory(_target.DataDir);
        var blocker = Path.Combine(_target.DataDir, "file");
        await File.WriteAllTextAsync(blocker, "not a directory");

        var ex = await Assert.ThrowsAsync<PersistenceStorageException>(() =>
            PersistenceFactory.OpenSqliteAsync(new SqliteJournalOptions { DataDir = Path.Combine(blocker, "node") }));

        Assert.Contains(PersistenceConfigKeys.DataDir, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_refuses_writes_after_it_is_closed()
    {
        var stores = await _target.OpenAsync();
        await stores.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => stores.Journal.WriteAsync(Write(Id("closed"), 1)));
    }

    [Theory]
    [InlineData(Persistence.Sqlite.SqliteSynchronous.Off, 0)]
    [InlineData(Persistence.Sqlite.SqliteSynchronous.Normal, 1)]
    [InlineData(Persistence.Sqlite.SqliteSynchronous.Full, 2)]
    [InlineData(Persistence.Sqlite.SqliteSynchronous.Extra, 3)]
    public async Task Writer_connection_runs_at_the_configured_synchronous_level(Persistence.Sqlite.SqliteSynchronous level, long expected)
    {
        var options = new SqliteJournalOptions { DataDir = _target.DataDir, Synchronous = level };
        await using var database = Persistence.Sqlite.SqliteDatabase.Open(options, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var actual = await database.WithWriterAsync(
            connection =>
            {
                using var cmd = connection.CreateCommand();
                cmd.CommandText = "PRAGMA synchronous";
                return (long)cmd.ExecuteScalar()!;
            },
            CancellationToken.None);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void SqliteJournalOptions_default_to_full_durability()
    {
        Assert.Equal(Persistence.Sqlite.SqliteSynchronous.Full, new SqliteJournalOptions().Synchronous);
    }
}

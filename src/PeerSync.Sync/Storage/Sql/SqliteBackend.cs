using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace PeerSync.Sync.Storage.Sql;

/// <summary>
/// SQLite: one database file in the data dir, WAL journal (readers never block the writer),
/// `synchronous=FULL` by default so that an acknowledged change survives power loss.
/// </summary>
internal sealed class SqliteBackend : SqlBackend
{
    private static readonly Lazy<bool> Initialized = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    private readonly string _connectionString;
    private readonly SqliteRecordStoreOptions _options;

    public SqliteBackend(SqliteRecordStoreOptions options)
        : base(new SqlDialect("sqlite", name => "sync_" + name, "TEXT", "INTEGER"), options.TimeProvider)
    {
        _ = Initialized.Value;
        _options = options;
        Directory.CreateDirectory(options.DataDir);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(options.DataDir, options.FileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
    }

    protected override IEnumerable<string> PrepareStatements() => ["PRAGMA journal_mode=WAL"];

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout=10000; PRAGMA synchronous={(_options.SynchronousFull ? "FULL" : "NORMAL")}";
            await pragma.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override ValueTask<DbTransaction> BeginTransactionAsync(DbConnection connection, bool write, CancellationToken ct) =>
        // Writers take the lock up front (BEGIN IMMEDIATE) so they never fail on upgrade; readers
        // start a deferred transaction, a stable WAL snapshot from their first read.
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: !write));

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; clear them so the data dir can be removed.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}

using System.Data.Common;
using Microsoft.Data.Sqlite;
using PeerSync.Persistence.Sqlite;

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

    private readonly SqliteConnectionCache _connections;

    public SqliteBackend(SqliteRecordStoreOptions options)
        : base(new SqlDialect("sqlite", name => "sync_" + name, "TEXT", "INTEGER"), options.TimeProvider)
    {
        _ = Initialized.Value;
        Directory.CreateDirectory(options.DataDir);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(options.DataDir, options.FileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString();
        var pragmas = $"PRAGMA busy_timeout=10000; PRAGMA synchronous={(options.SynchronousFull ? "FULL" : "NORMAL")}";
        _connections = new SqliteConnectionCache(connectionString, connection =>
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = pragmas;
            pragma.ExecuteNonQuery();
        });
    }

    protected override IEnumerable<string> PrepareStatements() => ["PRAGMA journal_mode=WAL"];

    protected override ValueTask<DbConnection> OpenAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return ValueTask.FromResult<DbConnection>(_connections.Rent());
    }

    protected override ValueTask ReleaseAsync(DbConnection connection)
    {
        _connections.Return((SqliteConnection)connection);
        return ValueTask.CompletedTask;
    }

    protected override ValueTask<DbTransaction> BeginTransactionAsync(DbConnection connection, bool write, CancellationToken ct) =>
        // Writers take the lock up front (BEGIN IMMEDIATE) so they never fail on upgrade; readers
        // start a deferred transaction, a stable WAL snapshot from their first read.
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: !write));

    public override ValueTask DisposeAsync()
    {
        // Idle connections keep the file open; close them so the data dir can be removed.
        _connections.Dispose();
        return ValueTask.CompletedTask;
    }
}

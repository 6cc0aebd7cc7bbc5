using System.Data;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;
using PeerSync.Persistence.Postgres;

namespace PeerSync.Sync.Storage.Sql;

/// <summary>
/// PostgreSQL: the sync tables live in their own schema (default `peersync_sync`), so several
/// nodes can share one database with one schema each. Text columns use `COLLATE "C"` for ordinal
/// order; readers use REPEATABLE READ for a consistent snapshot.
/// </summary>
internal sealed class PostgresBackend : SqlBackend
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly ILogger _logger;

    public PostgresBackend(PostgresRecordStoreOptions options)
        : base(new SqlDialect("postgres", name => $"\"{options.Schema}\".sync_{name}", "TEXT COLLATE \"C\"", "BIGINT") { MultiRowWrites = true, MultiRowReads = true }, options.TimeProvider)
    {
        _schema = options.Schema;
        _logger = options.Logger;
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);

        // Every write and read is one of a few statements run over and over: keep them prepared
        // on each pooled connection (as the journal does), unless the connection string says otherwise.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        }

        _dataSource = builder.Build();
    }

    // Ending a read transaction is a round trip of its own (ROLLBACK); one statement needs none.
    protected override bool OneReadWithoutTransaction => true;

    protected override IEnumerable<string> PrepareStatements() => [$"CREATE SCHEMA IF NOT EXISTS \"{_schema}\""];

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken ct) =>
        await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);

    protected override ValueTask ReleaseAsync(DbConnection connection) => connection.DisposeAsync();

    public override bool LostConnection(Exception failure) => PostgresFailures.LostConnection(failure);

    public override void DropIdleConnections(Exception failure, string operation)
    {
        _logger.LogWarning(failure, "Pooled connection of the {Schema} sync record store was lost (the server restarted or ended it); dropped the idle connections and running {Operation} again on a new one", _schema, operation);
        _dataSource.Clear();
    }

    protected override async ValueTask<DbTransaction> BeginTransactionAsync(DbConnection connection, bool write, CancellationToken ct) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(write ? IsolationLevel.ReadCommitted : IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);

    public override async ValueTask DisposeAsync() => await _dataSource.DisposeAsync().ConfigureAwait(false);
}

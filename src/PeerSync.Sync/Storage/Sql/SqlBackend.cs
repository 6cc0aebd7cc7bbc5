using System.Data.Common;
using System.Globalization;

namespace PeerSync.Sync.Storage.Sql;

/// <summary>
/// The ADO.NET provider shared by SQLite and PostgreSQL: connections, transactions and the
/// versioned migrations table (`sync_schema_migrations`).
/// </summary>
internal abstract class SqlBackend(SqlDialect dialect, TimeProvider time) : IStoreBackend
{
    public SqlDialect Dialect { get; } = dialect;

    public string Name => Dialect.Name;

    public int LatestVersion => Dialect.Migrations().Max(m => m.Version);

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>Gives back a connection from <see cref="OpenAsync"/> once its session (or the migration) is over.</summary>
    protected abstract ValueTask ReleaseAsync(DbConnection connection);

    protected abstract ValueTask<DbTransaction> BeginTransactionAsync(DbConnection connection, bool write, CancellationToken ct);

    /// <summary>Statements run before the migrations table is read (schema creation, journal mode).</summary>
    protected virtual IEnumerable<string> PrepareStatements() => [];

    public async ValueTask MigrateAsync(CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        try
        {
            foreach (var statement in PrepareStatements().Append(
                $"CREATE TABLE IF NOT EXISTS {Dialect.Table("schema_migrations")} (version {Dialect.Integer} PRIMARY KEY, description {Dialect.Text} NOT NULL, applied_at_ms {Dialect.Integer} NOT NULL)"))
            {
                await ExecuteAsync(connection, null, statement, ct).ConfigureAwait(false);
            }

            var transaction = await BeginTransactionAsync(connection, true, ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var applied = new List<long>();
                await using (var command = Command(connection, transaction, $"SELECT version FROM {Dialect.Table("schema_migrations")} ORDER BY version"))
                await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        applied.Add(reader.GetInt64(0));
                    }
                }

                var known = Dialect.Migrations().Select(m => (long)m.Version).ToHashSet();
                var current = applied.Count == 0 ? 0 : applied.Max();
                if (current > LatestVersion)
                {
                    throw new RecordStoreException(
                        $"the {Name} sync schema is at version {current}, newer than this build supports ({LatestVersion}); run a newer PeerSync or restore an older data set");
                }

                var unknown = applied.Where(v => !known.Contains(v)).ToList();
                if (unknown.Count > 0)
                {
                    throw new RecordStoreException(
                        $"the {Name} sync schema records unknown migration(s) {string.Join(", ", unknown)}; it was not created by PeerSync");
                }

                foreach (var (version, description, statements) in Dialect.Migrations().Where(m => m.Version > current))
                {
                    foreach (var statement in statements)
                    {
                        await ExecuteAsync(connection, transaction, statement, ct).ConfigureAwait(false);
                    }

                    await using var insert = Command(connection, transaction,
                        $"INSERT INTO {Dialect.Table("schema_migrations")} (version, description, applied_at_ms) VALUES (@v, @d, @t)");
                    Add(insert, "@v", (long)version);
                    Add(insert, "@d", description);
                    Add(insert, "@t", time.GetUtcNow().ToUnixTimeMilliseconds());
                    await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }
        }
        finally
        {
            await ReleaseAsync(connection).ConfigureAwait(false);
        }
    }

    public ValueTask<IStoreSession> BeginAsync(bool write, CancellationToken ct) => BeginAsync(write, oneRead: false, ct);

    public ValueTask<IStoreSession> BeginOneReadAsync(CancellationToken ct) => BeginAsync(false, OneReadWithoutTransaction, ct);

    /// <summary>
    /// Whether a one-read session starts without a transaction (where ending one costs a round
    /// trip): then a single statement runs without one, and a batch of several begins a read
    /// transaction that it ends itself.
    /// </summary>
    protected virtual bool OneReadWithoutTransaction => false;

    private async ValueTask<IStoreSession> BeginAsync(bool write, bool oneRead, CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        try
        {
            var transaction = oneRead ? null : await BeginTransactionAsync(connection, write, ct).ConfigureAwait(false);
            return new SqlSession(Dialect, connection, transaction, ReleaseAsync, (c, t) => BeginTransactionAsync(c, false, t));
        }
        catch
        {
            await ReleaseAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>SQLite connections are files: nothing can end them under us.</summary>
    public virtual bool LostConnection(Exception failure) => false;

    public virtual void DropIdleConnections(Exception failure, string operation)
    {
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    internal static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    internal static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

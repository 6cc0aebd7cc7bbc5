using Microsoft.Extensions.Logging;
using Npgsql;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Errors;

namespace PeerSync.Persistence.Postgres;

/// <summary>
/// A pooled Npgsql data source plus the schema the tables live in, shared by a node's journal and
/// snapshot store. PostgreSQL handles concurrent writers itself, so every call takes a pooled
/// connection; only journal writes are funnelled through group commit.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly ILogger _logger;

    private PostgresDatabase(NpgsqlDataSource dataSource, string schema, string location, ILogger logger)
    {
        DataSource = dataSource;
        Schema = schema;
        Location = location;
        _logger = logger;
    }

    public NpgsqlDataSource DataSource { get; }

    public string Schema { get; }

    /// <summary>Host, port, database and schema, for messages (never the password).</summary>
    public string Location { get; }

    /// <summary>The schema-qualified name of <paramref name="table"/>.</summary>
    public string Table(string table) => $"\"{Schema}\".{table}";

    public static async Task<PostgresDatabase> OpenAsync(PostgresJournalOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);

        // Group commit and replays run the same few statements over and over: keep them prepared.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 16;
        }

        var csb = builder.ConnectionStringBuilder;
        var location = $"postgres://{csb.Host}:{csb.Port}/{csb.Database}/{options.SchemaName}";
        var dataSource = builder.Build();
        try
        {
            await PostgresSchema.EnsureCreatedAsync(dataSource, options.SchemaName, location, logger, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw new PersistenceStorageException($"cannot open the PostgreSQL persistence schema at {location}: {ex.Message}", inner: ex);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new PostgresDatabase(dataSource, options.SchemaName, location, logger);
    }

    /// <summary>
    /// Runs a call that may safely run twice (a read, an upsert, a bounded delete) on pooled
    /// connections. Pooled connections die together while idle (a server restart, a terminated
    /// backend); when the call lost its connection, every idle one is dropped and the call runs once
    /// more on a fresh one. A second failure is the caller's.
    /// </summary>
    public async Task<T> RetryOnceOnLostConnectionAsync<T>(Func<CancellationToken, Task<T>> call, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (PostgresFailures.LostConnection(ex))
        {
            DropLostConnections(ex, what);
            return await call(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc cref="RetryOnceOnLostConnectionAsync{T}"/>
    public Task RetryOnceOnLostConnectionAsync(Func<CancellationToken, Task> call, string what, CancellationToken cancellationToken) =>
        RetryOnceOnLostConnectionAsync(
            async ct =>
            {
                await call(ct).ConfigureAwait(false);
                return true;
            },
            what,
            cancellationToken);

    /// <summary>Drops every idle pooled connection after <paramref name="failure"/> lost one of them.</summary>
    public void DropLostConnections(Exception failure, string what)
    {
        Log.PooledConnectionLost(_logger, failure, Location, what);
        DataSource.Clear();
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

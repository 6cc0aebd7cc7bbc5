using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.InMemory;
using PeerSync.Persistence.Postgres;
using PeerSync.Persistence.Sqlite;

namespace PeerSync.Persistence.Configuration;

/// <summary>
/// Opens a node's journal and snapshot store by provider name. Opening creates the schema on first
/// use, upgrades an older one, and refuses (with <see cref="SchemaVersionException"/>) one it does not know.
/// </summary>
public static class PersistenceFactory
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public const string InMemory = "inmemory";

    /// <summary>The accepted values of `peersync.persistence.provider`.</summary>
    public static IReadOnlyList<string> Providers { get; } = [Sqlite, Postgres, InMemory];

    /// <summary>Opens the stores <paramref name="options"/> name; bad settings throw <see cref="PersistenceOptionsException"/> naming the key.</summary>
    public static async Task<PersistenceStores> OpenAsync(
        PersistenceOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var provider = options.Provider?.Trim().ToLowerInvariant() ?? "";
        switch (provider)
        {
            case Sqlite:
                RequireNoConnectionString(options, Sqlite, $"the sqlite provider keeps its file under {PersistenceConfigKeys.DataDir}");
                return await OpenSqliteAsync(
                    new SqliteJournalOptions
                    {
                        DataDir = options.DataDir, Synchronous = options.SqliteSynchronous, BusyTimeoutMs = options.SqliteBusyTimeoutMs, Journal = options.Journal,
                    },
                    loggerFactory, time, cancellationToken).ConfigureAwait(false);
            case Postgres:
                return await OpenPostgresAsync(
                    new PostgresJournalOptions { ConnectionString = options.ConnectionString, SchemaName = options.PostgresSchema, Journal = options.Journal },
                    loggerFactory, cancellationToken).ConfigureAwait(false);
            case InMemory:
                RequireNoConnectionString(options, InMemory, "the inmemory provider keeps everything in the process");
                return CreateInMemory();
            default:
                throw new PersistenceOptionsException(
                    PersistenceConfigKeys.Provider,
                    $"unknown provider '{options.Provider}'; accepted values: {string.Join(", ", Providers)}");
        }
    }

    /// <summary>Opens (creating when missing) the node's SQLite file.</summary>
    public static Task<PersistenceStores> OpenSqliteAsync(
        SqliteJournalOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        var logger = Logger(loggerFactory);
        var database = SqliteDatabase.Open(options, time ?? TimeProvider.System, logger);
        Log.Opened(logger, Sqlite, database.Location);
        return Task.FromResult(new PersistenceStores(
            Sqlite, database.Location, new SqliteJournal(database, options.Journal, logger), new SqliteSnapshotStore(database), database));
    }

    /// <summary>Connects to PostgreSQL and creates the schema and tables when missing.</summary>
    public static async Task<PersistenceStores> OpenPostgresAsync(
        PostgresJournalOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var logger = Logger(loggerFactory);
        var database = await PostgresDatabase.OpenAsync(options, logger, cancellationToken).ConfigureAwait(false);
        Log.Opened(logger, Postgres, database.Location);
        return new PersistenceStores(
            Postgres, database.Location, new PostgresJournal(database, options.Journal, logger), new PostgresSnapshotStore(database), database);
    }

    /// <summary>Fresh in-memory stores sharing <paramref name="faults"/> for fault injection.</summary>
    public static PersistenceStores CreateInMemory(InMemoryFaults? faults = null)
    {
        faults ??= new InMemoryFaults();
        return new PersistenceStores(InMemory, "memory", new InMemoryJournal(faults), new InMemorySnapshotStore(faults), null);
    }

    private static void RequireNoConnectionString(PersistenceOptions options, string provider, string why)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new PersistenceOptionsException(
                PersistenceConfigKeys.ConnectionString, $"must be empty for the {provider} provider ({why}); it is used by postgres only");
        }
    }

    private static ILogger Logger(ILoggerFactory? loggerFactory) =>
        (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("PeerSync.Persistence");
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Sqlite;
using PeerSync.Sync.Storage;

namespace PeerSync.Hosting.Options;

/// <summary>
/// `peersync.persistence`: where a node keeps its journal, snapshots and records. One mutable class
/// for binding; <see cref="ToPersistenceOptions"/> and the record store methods turn it into the
/// immutable options of PeerSync.Persistence and PeerSync.Sync, adding the node's data dir. Every
/// default is read from those classes, so the two can never drift apart.
/// </summary>
public sealed class PeerSyncPersistenceOptions
{
    private static readonly PersistenceOptions JournalDefaults = new();
    private static readonly SqliteRecordStoreOptions SqliteRecordsDefaults = new() { DataDir = "." };
    private static readonly PostgresRecordStoreOptions PostgresRecordsDefaults = new() { ConnectionString = "-" };

    /// <summary>`provider`: sqlite (default: one file per node, nothing to install), postgres, or
    /// inmemory (tests only: nothing survives a restart).</summary>
    public string Provider { get; set; } = JournalDefaults.Provider;

    /// <summary>`connection-string`: the Npgsql connection string; required for postgres, empty for the others.</summary>
    public string ConnectionString { get; set; } = JournalDefaults.ConnectionString;

    /// <summary>`sqlite.synchronous`: off, normal, full (default) or extra (docs/design/persistence.md).
    /// Also decides the record store's durability: full and extra sync every commit.</summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = JournalDefaults.SqliteSynchronous;

    /// <summary>`sqlite.busy-timeout`: how long to wait for another process's lock on a file. Default 30 s.</summary>
    public TimeSpan SqliteBusyTimeout { get; set; } = TimeSpan.FromMilliseconds(JournalDefaults.SqliteBusyTimeoutMs);

    /// <summary>`sqlite.records-file-name`: the record store's file in the data dir, default `sync.db`
    /// (the journal has its own, `persistence.db`).</summary>
    public string SqliteRecordsFileName { get; set; } = SqliteRecordsDefaults.FileName;

    /// <summary>`postgres.schema`: the journal's schema, default `peersync`.</summary>
    public string PostgresSchema { get; set; } = JournalDefaults.PostgresSchema;

    /// <summary>`postgres.records-schema`: the record store's schema, default `peersync_sync`.</summary>
    public string PostgresRecordsSchema { get; set; } = PostgresRecordsDefaults.Schema;

    /// <summary>`journal.max-batch-events`: events per transaction, default 1000.</summary>
    public int JournalMaxBatchEvents { get; set; } = JournalDefaults.Journal.MaxBatchEvents;

    /// <summary>`journal.max-pending-writes`: queued writes before callers wait, default 10 000.</summary>
    public int JournalMaxPendingWrites { get; set; } = JournalDefaults.Journal.MaxPendingWrites;

    /// <summary>The options <see cref="PersistenceFactory.OpenAsync"/> takes.</summary>
    /// <param name="dataDir">The node's data dir (<see cref="NodeOptions.ResolveDataDir"/>).</param>
    public PersistenceOptions ToPersistenceOptions(string dataDir) => new()
    {
        Provider = Provider,
        ConnectionString = ConnectionString,
        DataDir = dataDir,
        SqliteSynchronous = SqliteSynchronous,
        SqliteBusyTimeoutMs = (int)Math.Clamp(SqliteBusyTimeout.TotalMilliseconds, int.MinValue, int.MaxValue),
        PostgresSchema = PostgresSchema,
        Journal = new JournalOptions { MaxBatchEvents = JournalMaxBatchEvents, MaxPendingWrites = JournalMaxPendingWrites },
    };

    /// <summary>The SQLite record store's options (provider sqlite).</summary>
    public SqliteRecordStoreOptions ToSqliteRecordStoreOptions(string dataDir, TimeProvider? timeProvider = null) => new()
    {
        DataDir = dataDir,
        FileName = SqliteRecordsFileName,
        SynchronousFull = SqliteSynchronous >= SqliteSynchronous.Full,
        TimeProvider = timeProvider ?? TimeProvider.System,
    };

    /// <summary>The PostgreSQL record store's options (provider postgres).</summary>
    public PostgresRecordStoreOptions ToPostgresRecordStoreOptions(TimeProvider? timeProvider = null, ILogger? logger = null) => new()
    {
        ConnectionString = ConnectionString,
        Schema = PostgresRecordsSchema,
        TimeProvider = timeProvider ?? TimeProvider.System,
        Logger = logger ?? NullLogger.Instance,
    };
}

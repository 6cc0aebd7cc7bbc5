namespace PeerSync.Persistence.Configuration;

/// <summary>
/// The configuration keys persistence options come from; errors name them so the fix is obvious.
/// Hosting binds the `peersync.persistence` section and `peersync.node.data-dir` to these.
/// </summary>
public static class PersistenceConfigKeys
{
    public const string Provider = "peersync.persistence.provider";
    public const string ConnectionString = "peersync.persistence.connection-string";
    public const string DataDir = "peersync.node.data-dir";
    public const string SqliteFileName = "peersync.persistence.sqlite.file-name";
    public const string SqliteSynchronous = "peersync.persistence.sqlite.synchronous";
    public const string SqliteBusyTimeout = "peersync.persistence.sqlite.busy-timeout";
    public const string PostgresSchema = "peersync.persistence.postgres.schema";
    public const string MaxBatchEvents = "peersync.persistence.journal.max-batch-events";
    public const string MaxPendingWrites = "peersync.persistence.journal.max-pending-writes";
}

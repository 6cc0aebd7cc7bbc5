using PeerSync.Persistence.Sqlite;

namespace PeerSync.Persistence.Configuration;

/// <summary>
/// What the host binds from `peersync.persistence` and `peersync.node.data-dir`; the factory
/// turns it into the provider's own options.
/// </summary>
public sealed record PersistenceOptions
{
    /// <summary>`sqlite` (default), `postgres` or `inmemory` (tests only: nothing survives a restart).</summary>
    public string Provider { get; init; } = PersistenceFactory.Sqlite;

    /// <summary>For `postgres`: the Npgsql connection string (required). Must be empty for the others.</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>For `sqlite`: the node's data directory, which holds `persistence.db` (required).</summary>
    public string DataDir { get; init; } = "";

    /// <summary>For `sqlite`: durability of a commit (default Full; see <see cref="SqliteJournalOptions.Synchronous"/>).</summary>
    public SqliteSynchronous SqliteSynchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>For `sqlite`: how long to wait for another process's lock on the file (default 30 000 ms).</summary>
    public int SqliteBusyTimeoutMs { get; init; } = 30_000;

    /// <summary>For `postgres`: the schema holding the tables (default `peersync`).</summary>
    public string PostgresSchema { get; init; } = "peersync";

    /// <summary>Group-commit tuning of the SQL journals.</summary>
    public JournalOptions Journal { get; init; } = new();
}

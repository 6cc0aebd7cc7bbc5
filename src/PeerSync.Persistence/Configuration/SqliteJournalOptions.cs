using PeerSync.Persistence.Errors;
using PeerSync.Persistence.Sqlite;

namespace PeerSync.Persistence.Configuration;

/// <summary>
/// The SQLite provider: one database file per node, <see cref="FileName"/> under
/// <see cref="DataDir"/> (`peersync.node.data-dir`), in WAL mode.
/// </summary>
public sealed record SqliteJournalOptions
{
    /// <summary>The node's data directory; created when missing. Required.</summary>
    public string DataDir { get; init; } = "";

    /// <summary>The database file inside <see cref="DataDir"/> (default `persistence.db`).</summary>
    public string FileName { get; init; } = "persistence.db";

    /// <summary>
    /// Durability of a commit (default <see cref="SqliteSynchronous.Full"/>): an acknowledged write
    /// survives a process crash at every level but Off, and a power loss only at Full and Extra.
    /// Full is the default because a lost watermark or queue entry costs a resync or a lost change,
    /// while group commit spreads the fsync over every write of a batch.
    /// </summary>
    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>
    /// How long a statement waits for another process's lock on the file before it fails
    /// (default 30 000 ms; milliseconds). Within one node only one connection writes, so this
    /// matters only when a tool holds the file.
    /// </summary>
    public int BusyTimeoutMs { get; init; } = 30_000;

    /// <summary>Group-commit tuning.</summary>
    public JournalOptions Journal { get; init; } = new();

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDir, FileName));

    /// <summary>Throws <see cref="PersistenceOptionsException"/> naming the key of the first bad value.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDir))
        {
            throw new PersistenceOptionsException(
                PersistenceConfigKeys.DataDir, "is required for the sqlite provider: the database file lives in the node's data directory");
        }

        if (string.IsNullOrWhiteSpace(FileName) || FileName.IndexOfAny(['/', '\\']) >= 0 || FileName is "." or "..")
        {
            throw new PersistenceOptionsException(
                PersistenceConfigKeys.SqliteFileName, $"must be a plain file name inside the data directory, got '{FileName}'");
        }

        if (!Enum.IsDefined(Synchronous))
        {
            throw new PersistenceOptionsException(
                PersistenceConfigKeys.SqliteSynchronous, $"must be one of off, normal, full, extra; got {(int)Synchronous}");
        }

        if (BusyTimeoutMs is < 0 or > 600_000)
        {
            throw new PersistenceOptionsException(
                PersistenceConfigKeys.SqliteBusyTimeout, $"must be between 0 and 600000 ms, got {BusyTimeoutMs}");
        }

        ArgumentNullException.ThrowIfNull(Journal);
        Journal.Validate();
    }
}

using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PeerSync.Sync.Storage;

/// <summary>Where a SQLite record store lives.</summary>
public sealed class SqliteRecordStoreOptions
{
    /// <summary>The node's data dir (`peersync.node.data-dir`); created when missing.</summary>
    public required string DataDir { get; init; }

    /// <summary>The database file in <see cref="DataDir"/>, default `sync.db` (the journal uses its own file).</summary>
    public string FileName { get; init; } = "sync.db";

    /// <summary>Default true (`synchronous=FULL`): an acknowledged change survives power loss. False trades that for speed.</summary>
    public bool SynchronousFull { get; init; } = true;

    /// <summary>Timestamps of applied migrations.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>Where a PostgreSQL record store lives.</summary>
public sealed partial class PostgresRecordStoreOptions
{
    /// <summary>`peersync.persistence.connection-string`.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The schema of the sync tables, default `peersync_sync`: lowercase letters, digits and '_', at most 63.</summary>
    public string Schema { get; init; } = "peersync_sync";

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Warnings: a pooled connection the server ended (a restart), after which the call ran again.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    internal static partial Regex SchemaPattern();
}

/// <summary>Creates record stores on each provider.</summary>
public static class RecordStores
{
    public static IRecordStore InMemory(InMemory.InMemoryStorage storage) =>
        new RecordStore(new InMemory.InMemoryBackend(storage ?? throw new ArgumentNullException(nameof(storage))));

    public static IRecordStore Sqlite(SqliteRecordStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            throw new ArgumentException("the SQLite record store needs a data dir (peersync.node.data-dir)", nameof(options));
        }

        return new RecordStore(new Sql.SqliteBackend(options));
    }

    public static IRecordStore Postgres(PostgresRecordStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("the PostgreSQL record store needs a connection string (peersync.persistence.connection-string)", nameof(options));
        }

        if (!PostgresRecordStoreOptions.SchemaPattern().IsMatch(options.Schema))
        {
            throw new ArgumentException($"PostgreSQL schema '{options.Schema}' must be lowercase letters, digits and '_', at most 63, not starting with a digit", nameof(options));
        }

        return new RecordStore(new Sql.PostgresBackend(options));
    }
}

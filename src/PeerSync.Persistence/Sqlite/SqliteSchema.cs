using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using PeerSync.Persistence.Schema;

namespace PeerSync.Persistence.Sqlite;

/// <summary>
/// The SQLite tables (docs/design/persistence.md, "Tables") and their migrations. Rows are
/// clustered by (persistence id, sequence nr) (WITHOUT ROWID), so a replay is one range scan.
/// </summary>
internal static class SqliteSchema
{
    public const string MigrationsTable = "persistence_migrations";

    public static readonly string[] DataTables = ["journal", "journal_metadata", "snapshot"];

    public static readonly IReadOnlyList<SchemaMigration> Migrations =
    [
        new(1, "journal, journal metadata and snapshot tables",
        [
            """
            CREATE TABLE journal (
                persistence_id TEXT NOT NULL,
                sequence_nr INTEGER NOT NULL,
                serializer_id INTEGER NOT NULL,
                manifest TEXT NOT NULL,
                payload BLOB NOT NULL,
                timestamp_ms INTEGER NOT NULL,
                writer_id TEXT NOT NULL,
                PRIMARY KEY (persistence_id, sequence_nr)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE journal_metadata (
                persistence_id TEXT NOT NULL PRIMARY KEY,
                max_sequence_nr INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE snapshot (
                persistence_id TEXT NOT NULL,
                sequence_nr INTEGER NOT NULL,
                timestamp_ms INTEGER NOT NULL,
                serializer_id INTEGER NOT NULL,
                manifest TEXT NOT NULL,
                payload BLOB NOT NULL,
                PRIMARY KEY (persistence_id, sequence_nr)
            ) WITHOUT ROWID
            """,
        ]),
    ];

    public static int SupportedVersion => Migrations[^1].Version;

    /// <summary>Creates or upgrades the schema in one IMMEDIATE transaction, so two processes cannot race.</summary>
    public static void EnsureCreated(SqliteConnection connection, string location, long nowMs, ILogger logger)
    {
        using var tx = connection.BeginTransaction(deferred: false);
        var tables = new HashSet<string>(StringComparer.Ordinal);
        using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var versions = new List<object?>();
        if (tables.Contains(MigrationsTable))
        {
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"SELECT version FROM {MigrationsTable}";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                versions.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
            }
        }

        var existing = DataTables.Where(tables.Contains).ToList();
        var current = SchemaVersionCheck.CurrentVersion(location, tables.Contains(MigrationsTable), versions, existing, SupportedVersion);
        if (current == SupportedVersion)
        {
            tx.Commit();
            return;
        }

        Execute(connection, tx, $"CREATE TABLE IF NOT EXISTS {MigrationsTable} (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)");
        foreach (var migration in Migrations.Where(m => m.Version > current))
        {
            foreach (var statement in migration.Statements)
            {
                Execute(connection, tx, statement);
            }

            using var record = connection.CreateCommand();
            record.Transaction = tx;
            record.CommandText = $"INSERT INTO {MigrationsTable} (version, description, applied_at_ms) VALUES ($v, $d, $t)";
            record.Parameters.AddWithValue("$v", migration.Version);
            record.Parameters.AddWithValue("$d", migration.Description);
            record.Parameters.AddWithValue("$t", nowMs);
            record.ExecuteNonQuery();
        }

        tx.Commit();
        Log.SchemaMigrated(logger, location, current, SupportedVersion);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}

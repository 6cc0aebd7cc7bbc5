using Microsoft.Extensions.Logging;
using Npgsql;
using PeerSync.Persistence.Schema;

namespace PeerSync.Persistence.Postgres;

/// <summary>The PostgreSQL tables (docs/design/persistence.md, "Tables") and their migrations.</summary>
internal static class PostgresSchema
{
    public const string MigrationsTable = "persistence_migrations";

    public static readonly string[] DataTables = ["journal", "journal_metadata", "snapshot"];

    public static int SupportedVersion => Migrations("x")[^1].Version;

    public static IReadOnlyList<SchemaMigration> Migrations(string schema) =>
    [
        new(1, "journal, journal metadata and snapshot tables",
        [
            $"""
            CREATE TABLE "{schema}".journal (
                persistence_id text NOT NULL,
                sequence_nr bigint NOT NULL,
                serializer_id integer NOT NULL,
                manifest text NOT NULL,
                payload bytea NOT NULL,
                timestamp_ms bigint NOT NULL,
                writer_id text NOT NULL,
                PRIMARY KEY (persistence_id, sequence_nr)
            )
            """,
            $"""
            CREATE TABLE "{schema}".journal_metadata (
                persistence_id text NOT NULL PRIMARY KEY,
                max_sequence_nr bigint NOT NULL
            )
            """,
            $"""
            CREATE TABLE "{schema}".snapshot (
                persistence_id text NOT NULL,
                sequence_nr bigint NOT NULL,
                timestamp_ms bigint NOT NULL,
                serializer_id integer NOT NULL,
                manifest text NOT NULL,
                payload bytea NOT NULL,
                PRIMARY KEY (persistence_id, sequence_nr)
            )
            """,
        ]),
    ];

    /// <summary>
    /// Creates or upgrades the schema in one transaction under an advisory lock, so nodes starting
    /// together against one database do not race.
    /// </summary>
    public static async Task EnsureCreatedAsync(NpgsqlDataSource dataSource, string schema, string location, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, tx, $"SELECT pg_advisory_xact_lock(hashtext('peersync.persistence.{schema}'))", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, tx, $"CREATE SCHEMA IF NOT EXISTS \"{schema}\"", cancellationToken).ConfigureAwait(false);

        var tables = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = @schema", connection, tx))
        {
            cmd.Parameters.AddWithValue("schema", schema);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var versions = new List<object?>();
        if (tables.Contains(MigrationsTable))
        {
            await using var cmd = new NpgsqlCommand($"SELECT version FROM \"{schema}\".{MigrationsTable}", connection, tx);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                versions.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
            }
        }

        var existing = DataTables.Where(tables.Contains).ToList();
        var current = SchemaVersionCheck.CurrentVersion(location, tables.Contains(MigrationsTable), versions, existing, SupportedVersion);
        if (current == SupportedVersion)
        {
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await ExecuteAsync(
            connection, tx,
            $"CREATE TABLE IF NOT EXISTS \"{schema}\".{MigrationsTable} (version integer NOT NULL PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken).ConfigureAwait(false);
        foreach (var migration in Migrations(schema).Where(m => m.Version > current))
        {
            foreach (var statement in migration.Statements)
            {
                await ExecuteAsync(connection, tx, statement, cancellationToken).ConfigureAwait(false);
            }

            await using var record = new NpgsqlCommand($"INSERT INTO \"{schema}\".{MigrationsTable} (version, description) VALUES (@v, @d)", connection, tx);
            record.Parameters.AddWithValue("v", migration.Version);
            record.Parameters.AddWithValue("d", migration.Description);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.SchemaMigrated(logger, location, current, SupportedVersion);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

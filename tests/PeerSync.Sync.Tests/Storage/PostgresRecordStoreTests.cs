using Npgsql;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Tests.Support;

namespace PeerSync.Sync.Tests.Storage;

/// <summary>The conformance suite on a real server; each test in its own schema, dropped afterwards.</summary>
[RequiresPostgres]
public sealed class PostgresRecordStoreTests : RecordStoreConformance
{
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N")[..16];

    private static string ConnectionString => RequiresPostgresAttribute.ConnectionString
        ?? throw new InvalidOperationException($"{RequiresPostgresAttribute.Variable} is not set");

    protected override IRecordStore CreateStore() =>
        RecordStores.Postgres(new PostgresRecordStoreOptions { ConnectionString = ConnectionString, Schema = _schema });

    protected override async Task MakeSchemaNewerAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"INSERT INTO \"{_schema}\".sync_schema_migrations (version, description, applied_at_ms) VALUES (999, 'future', 0)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (RequiresPostgresAttribute.ConnectionString is null)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}

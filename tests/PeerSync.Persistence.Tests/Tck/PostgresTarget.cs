using PeerSync.Persistence.Configuration;

namespace PeerSync.Persistence.Tests.Tck;

public sealed class PostgresTarget : StoreTarget
{
    public string Schema { get; } = PostgresTestDatabase.NewSchemaName();

    public override Task<PersistenceStores> OpenAsync(JournalOptions? journal = null) =>
        PersistenceFactory.OpenPostgresAsync(new PostgresJournalOptions
        {
            ConnectionString = PostgresTestDatabase.RequiredConnectionString(),
            SchemaName = Schema,
            Journal = journal ?? new JournalOptions(),
        });

    public override async Task ExecuteSqlAsync(string sql)
    {
        await PostgresTestDatabase.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS \"{Schema}\"");
        await PostgresTestDatabase.ExecuteAsync(sql, Schema);
    }

    public override async ValueTask DisposeAsync()
    {
        if (PostgresTestDatabase.ConnectionString is not null)
        {
            await PostgresTestDatabase.DropSchemaAsync(Schema);
        }
    }
}

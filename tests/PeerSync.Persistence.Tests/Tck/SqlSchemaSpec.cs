using PeerSync.Persistence.Errors;
using static PeerSync.Persistence.Tests.Tck.TestEvents;

namespace PeerSync.Persistence.Tests.Tck;

/// <summary>
/// Schema creation and versioning of the SQL providers: a fresh database gets version 1; one it
/// does not know is refused with a message naming what was found, and is left untouched.
/// </summary>
public abstract class SqlSchemaSpec : IAsyncLifetime
{
    private StoreTarget? _target;

    protected StoreTarget Target => _target ?? throw new InvalidOperationException("the spec is not initialized");

    protected abstract StoreTarget CreateTarget();

    public Task InitializeAsync()
    {
        _target = CreateTarget();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_target is not null)
        {
            await _target.DisposeAsync();
        }
    }

    [StoreFact]
    public async Task Open_creates_the_schema_once_and_records_version_1()
    {
        await using (var stores = await Target.OpenAsync())
        {
            await stores.Journal.WriteAsync(Write(Id("schema-a"), 1));
        }

        // Opening again must neither recreate nor re-record: the event and one version row remain.
        await using (var stores = await Target.OpenAsync())
        {
            Assert.Equal([1], await stores.Journal.SequenceNrsAsync(Id("schema-a")));
        }

        await Target.ExecuteSqlAsync("DELETE FROM persistence_migrations WHERE version = 1 AND (SELECT count(*) FROM persistence_migrations) = 1");
        var ex = await Assert.ThrowsAsync<SchemaVersionException>(() => Target.OpenAsync());
        Assert.Contains("no version record", ex.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Open_refuses_a_schema_newer_than_the_build_naming_both_versions()
    {
        await (await Target.OpenAsync()).DisposeAsync();
        await Target.ExecuteSqlAsync($"INSERT INTO persistence_migrations {ColumnsAndValues(99)}");

        var ex = await Assert.ThrowsAsync<SchemaVersionException>(() => Target.OpenAsync());

        Assert.Equal("99", ex.FoundVersion);
        Assert.Equal(1, ex.SupportedVersion);
        Assert.Contains("version 99, newer than the 1 this build knows", ex.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Open_refuses_a_garbled_version_naming_it()
    {
        await (await Target.OpenAsync()).DisposeAsync();
        await Target.ExecuteSqlAsync("DROP TABLE persistence_migrations");
        await Target.ExecuteSqlAsync("CREATE TABLE persistence_migrations (version TEXT, description TEXT)");
        await Target.ExecuteSqlAsync("INSERT INTO persistence_migrations (version, description) VALUES ('v1-garbled', 'damaged')");

        var ex = await Assert.ThrowsAsync<SchemaVersionException>(() => Target.OpenAsync());

        Assert.Equal("v1-garbled", ex.FoundVersion);
        Assert.Contains("'v1-garbled', which is not a schema version", ex.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Open_refuses_tables_that_have_no_migrations_table()
    {
        await Target.ExecuteSqlAsync("CREATE TABLE journal (persistence_id TEXT, sequence_nr BIGINT)");

        var ex = await Assert.ThrowsAsync<SchemaVersionException>(() => Target.OpenAsync());

        Assert.Equal("none", ex.FoundVersion);
        Assert.Contains("has the tables journal but no version record", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Columns and values of a migrations row: they differ by provider (applied_at_ms vs a defaulted timestamp).</summary>
    protected abstract string ColumnsAndValues(int version);
}

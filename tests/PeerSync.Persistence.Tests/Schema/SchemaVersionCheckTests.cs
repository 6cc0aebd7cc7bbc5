using PeerSync.Persistence.Errors;
using PeerSync.Persistence.Schema;

namespace PeerSync.Persistence.Tests.Schema;

public sealed class SchemaVersionCheckTests
{
    private static int Check(bool table, object?[] versions, string[] tables, int supported = 3) =>
        SchemaVersionCheck.CurrentVersion("db", table, versions, tables, supported);

    [Fact]
    public void CurrentVersion_is_zero_for_an_empty_database() => Assert.Equal(0, Check(false, [], []));

    [Fact]
    public void CurrentVersion_is_the_highest_recorded_version_when_all_below_it_are_recorded()
    {
        Assert.Equal(2, Check(true, [2L, 1L], ["journal"]));
        Assert.Equal(3, Check(true, [1, 2, 3], ["journal", "snapshot"]));
        Assert.Equal(1, Check(true, ["1"], ["journal"]));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData(" 1")]
    public void CurrentVersion_refuses_a_value_that_is_not_a_version_naming_it(string raw)
    {
        var ex = Assert.Throws<SchemaVersionException>(() => Check(true, [raw], ["journal"]));
        Assert.Equal(raw, ex.FoundVersion);
        Assert.Contains($"'{raw}', which is not a schema version (this build knows 1..3)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CurrentVersion_refuses_a_null_version() =>
        Assert.Equal("NULL", Assert.Throws<SchemaVersionException>(() => Check(true, [null], ["journal"])).FoundVersion);

    [Fact]
    public void CurrentVersion_refuses_a_newer_schema_saying_what_to_do()
    {
        var ex = Assert.Throws<SchemaVersionException>(() => Check(true, [1, 2, 3, 4], ["journal"]));
        Assert.Equal(("4", 3), (ex.FoundVersion, ex.SupportedVersion));
        Assert.Contains("at version 4, newer than the 3 this build knows", ex.Message, StringComparison.Ordinal);
        Assert.Contains("run that version (or newer)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CurrentVersion_refuses_gaps_and_duplicates()
    {
        Assert.Contains("records the versions 1, 3", Assert.Throws<SchemaVersionException>(() => Check(true, [1, 3], ["journal"])).Message, StringComparison.Ordinal);
        Assert.Contains("records the versions 1, 1, 2", Assert.Throws<SchemaVersionException>(() => Check(true, [1, 2, 1], ["journal"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CurrentVersion_refuses_data_tables_without_a_version_naming_them()
    {
        var ex = Assert.Throws<SchemaVersionException>(() => Check(false, [], ["journal", "snapshot"]));
        Assert.Contains("has the tables journal, snapshot but no version record (no migrations table)", ex.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<SchemaVersionException>(() => Check(true, [], ["journal"]));
        Assert.Contains("the migrations table is empty", empty.Message, StringComparison.Ordinal);
    }
}

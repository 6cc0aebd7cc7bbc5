using System.Text.RegularExpressions;
using Npgsql;
using PeerSync.Persistence.Errors;

namespace PeerSync.Persistence.Configuration;

/// <summary>The PostgreSQL provider: tables in <see cref="SchemaName"/>, created when missing.</summary>
public sealed partial record PostgresJournalOptions
{
    /// <summary>
    /// An Npgsql connection string (`Host=...;Port=...;Username=...;Database=...`). Required.
    /// Durability follows the server's `synchronous_commit` (on by default: a commit is
    /// acknowledged once flushed); append `Options=-c synchronous_commit=off` to trade the last
    /// commits on a server crash for speed.
    /// </summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>
    /// The schema holding the tables (default `peersync`); lower-case letters, digits and '_',
    /// at most 63 characters. Several clusters can share a database with one schema each.
    /// </summary>
    public string SchemaName { get; init; } = "peersync";

    /// <summary>Group-commit tuning.</summary>
    public JournalOptions Journal { get; init; } = new();

    /// <summary>Throws <see cref="PersistenceOptionsException"/> naming the key of the first bad value.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new PersistenceOptionsException(
                PersistenceConfigKeys.ConnectionString, "is required for the postgres provider, e.g. \"Host=127.0.0.1;Port=5432;Username=peersync;Database=peersync\"");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (ArgumentException ex)
        {
            throw new PersistenceOptionsException(PersistenceConfigKeys.ConnectionString, $"is not a valid Npgsql connection string: {ex.Message}");
        }

        if (SchemaName is null || !SchemaPattern().IsMatch(SchemaName))
        {
            throw new PersistenceOptionsException(
                PersistenceConfigKeys.PostgresSchema,
                $"must be 1-63 lower-case letters, digits or '_' starting with a letter or '_', got '{SchemaName}'");
        }

        ArgumentNullException.ThrowIfNull(Journal);
        Journal.Validate();
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaPattern();
}

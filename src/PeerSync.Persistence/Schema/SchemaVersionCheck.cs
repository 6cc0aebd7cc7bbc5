using System.Globalization;
using PeerSync.Persistence.Errors;

namespace PeerSync.Persistence.Schema;

/// <summary>
/// Decides, from what a database holds, which migrations to apply or why to refuse it. Pure, so
/// every refusal is tested without a database; the backends only gather the facts.
/// </summary>
internal static class SchemaVersionCheck
{
    /// <summary>
    /// Returns the version the database is at (0 for an empty one), after which the caller applies
    /// the newer migrations; throws <see cref="SchemaVersionException"/> for a database it must not touch.
    /// </summary>
    /// <param name="location">The file or schema, for the message.</param>
    /// <param name="migrationsTableExists">Whether the migrations table is there.</param>
    /// <param name="recordedVersions">Each row of the migrations table, as the database returned it.</param>
    /// <param name="existingDataTables">PeerSync data tables already present (journal, snapshot...).</param>
    /// <param name="supportedVersion">The newest version this build knows.</param>
    public static int CurrentVersion(
        string location, bool migrationsTableExists, IReadOnlyList<object?> recordedVersions,
        IReadOnlyCollection<string> existingDataTables, int supportedVersion)
    {
        if (!migrationsTableExists || recordedVersions.Count == 0)
        {
            if (existingDataTables.Count > 0)
            {
                throw new SchemaVersionException(
                    location, "none", supportedVersion,
                    $"persistence schema at {location} has the tables {string.Join(", ", existingDataTables)} but no version record "
                    + $"({(migrationsTableExists ? "the migrations table is empty" : "no migrations table")}): they were not created by PeerSync, or a "
                    + "creation was interrupted by hand. Nothing was changed; move them away or point the node at an empty database or schema.");
            }

            return 0;
        }

        var versions = new List<int>(recordedVersions.Count);
        foreach (var raw in recordedVersions)
        {
            var text = Convert.ToString(raw, CultureInfo.InvariantCulture) ?? "NULL";
            if (raw is null or DBNull || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1)
            {
                throw new SchemaVersionException(
                    location, raw is null or DBNull ? "NULL" : text, supportedVersion,
                    $"persistence schema at {location} records the version '{(raw is null or DBNull ? "NULL" : text)}', which is not a schema version "
                    + $"(this build knows 1..{supportedVersion}): the migrations table is damaged. Nothing was changed; restore the database from a backup "
                    + "or point the node at an empty one.");
            }

            versions.Add(v);
        }

        versions.Sort();
        var highest = versions[^1];
        if (highest > supportedVersion)
        {
            throw new SchemaVersionException(
                location, highest.ToString(CultureInfo.InvariantCulture), supportedVersion,
                $"persistence schema at {location} is at version {highest}, newer than the {supportedVersion} this build knows: it was written by a newer "
                + "PeerSync. Nothing was changed; run that version (or newer), or point the node at another database.");
        }

        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i] != i + 1)
            {
                throw new SchemaVersionException(
                    location, string.Join(",", versions), supportedVersion,
                    $"persistence schema at {location} records the versions {string.Join(", ", versions)}; expected 1..{highest} each once: the "
                    + "migrations table is damaged. Nothing was changed; restore the database from a backup or point the node at an empty one.");
            }
        }

        return highest;
    }
}

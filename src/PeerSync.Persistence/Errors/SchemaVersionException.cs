namespace PeerSync.Persistence.Errors;

/// <summary>
/// The database holds a persistence schema this build cannot use: newer than it knows, an unknown
/// or unreadable version, or PeerSync tables without a version record. Nothing was changed; the
/// message names what was found, where, and what to do.
/// </summary>
public sealed class SchemaVersionException : PersistenceException
{
    public SchemaVersionException(string location, string foundVersion, int supportedVersion, string message)
        : base(message, null, null, null)
    {
        Location = location;
        FoundVersion = foundVersion;
        SupportedVersion = supportedVersion;
    }

    /// <summary>The database file or schema checked.</summary>
    public string Location { get; }

    /// <summary>The version found, as text (it may be garbled).</summary>
    public string FoundVersion { get; }

    /// <summary>The newest schema version this build knows.</summary>
    public int SupportedVersion { get; }
}

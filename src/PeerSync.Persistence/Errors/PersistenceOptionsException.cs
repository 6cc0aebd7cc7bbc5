namespace PeerSync.Persistence.Errors;

/// <summary>
/// A persistence setting is missing or invalid. <see cref="Key"/> is the configuration key
/// (for example `peersync.persistence.provider`) and the message says what is accepted.
/// </summary>
public sealed class PersistenceOptionsException : PersistenceException
{
    public PersistenceOptionsException(string key, string message)
        : base($"{key}: {message}", null, null, null)
    {
        Key = key;
    }

    public string Key { get; }
}

namespace PeerSync.Sync.Storage;

/// <summary>
/// The record store cannot be used as it is: a schema newer than this build, data belonging to
/// another node, a corrupt metadata value. The message names the problem and the fix.
/// </summary>
public sealed class RecordStoreException : Exception
{
    public RecordStoreException()
    {
    }

    public RecordStoreException(string message)
        : base(message)
    {
    }

    public RecordStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

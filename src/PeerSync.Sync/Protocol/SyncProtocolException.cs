namespace PeerSync.Sync.Protocol;

/// <summary>
/// A sync message from a peer is malformed (bad id, key, range, value). The message names the field
/// and the problem; the host closes only that peer's session and logs it.
/// </summary>
public sealed class SyncProtocolException : Exception
{
    public SyncProtocolException()
    {
    }

    public SyncProtocolException(string message)
        : base(message)
    {
    }

    public SyncProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace PeerSync.Remote.Transport;

/// <summary>
/// A transport operation failed because of the environment: connection refused, unknown host,
/// address in use, TLS refused. The message names the address and the cause.
/// </summary>
public sealed class TransportException : IOException
{
    public TransportException()
    {
    }

    public TransportException(string message)
        : base(message)
    {
    }

    public TransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

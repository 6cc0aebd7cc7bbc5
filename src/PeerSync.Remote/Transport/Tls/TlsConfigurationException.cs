namespace PeerSync.Remote.Transport.Tls;

/// <summary>The TLS settings cannot be used (missing or unreadable certificate); the message names the key and the fix.</summary>
public sealed class TlsConfigurationException : Exception
{
    public TlsConfigurationException()
    {
    }

    public TlsConfigurationException(string message)
        : base(message)
    {
    }

    public TlsConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

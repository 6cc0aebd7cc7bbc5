namespace PeerSync.Hosting.Configuration.Sources;

/// <summary>
/// A configuration source cannot be read: a HOCON or JSON syntax error, a missing --config file,
/// a malformed --set argument or environment variable. The message is one line that names the
/// file, line and column (or the argument or variable) and the problem.
/// </summary>
public sealed class PeerSyncConfigurationException : Exception
{
    public PeerSyncConfigurationException(string message)
        : base(message)
    {
    }

    public PeerSyncConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PeerSyncConfigurationException()
        : base("the PeerSync configuration cannot be read")
    {
    }
}

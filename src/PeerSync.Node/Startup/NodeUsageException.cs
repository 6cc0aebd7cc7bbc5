namespace PeerSync.Node.Startup;

/// <summary>The command line is wrong; the message is one line saying how.</summary>
public sealed class NodeUsageException : Exception
{
    public NodeUsageException(string message)
        : base(message)
    {
    }

    public NodeUsageException()
        : base("bad arguments")
    {
    }

    public NodeUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace PeerSync.Cluster;

/// <summary>
/// A protocol invariant was violated (a bug, e.g. two leaders in one epoch). Machines check their
/// invariants always, not only in Debug; the host logs this as fatal and stops the node rather
/// than run in a wrong state.
/// </summary>
public sealed class ClusterInvariantException : Exception
{
    public ClusterInvariantException()
    {
    }

    public ClusterInvariantException(string message)
        : base(message)
    {
    }

    public ClusterInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace PeerSync.Cluster;

/// <summary>Thrown by <see cref="ClusterConfig.From"/>; <see cref="Errors"/> names every bad key and the fix.</summary>
public sealed class ClusterConfigException : Exception
{
    public ClusterConfigException(IReadOnlyList<string> errors)
        : base("invalid cluster configuration: " + string.Join("; ", errors)) => Errors = errors;

    public ClusterConfigException()
        : this(Array.Empty<string>())
    {
    }

    public ClusterConfigException(string message)
        : base(message) => Errors = [message];

    public ClusterConfigException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }
}

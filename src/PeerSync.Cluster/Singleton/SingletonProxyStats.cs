using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Singleton;

/// <summary>Ask a <see cref="ClusterSingletonProxy"/> for its <see cref="SingletonProxyStats"/>.</summary>
public sealed record GetSingletonProxyStats
{
    public static readonly GetSingletonProxyStats Instance = new();
}

/// <param name="Singleton">The singleton's name.</param>
/// <param name="Leader">The leader the proxy follows; null while there is none.</param>
/// <param name="Located">True when the proxy knows the running singleton and sends to it directly.</param>
/// <param name="Buffered">Messages waiting for the singleton to be located.</param>
/// <param name="Dropped">Messages dead-lettered because the buffer was full (or the cluster part stopped), since the proxy started.</param>
public sealed record SingletonProxyStats(string Singleton, UniqueNode? Leader, bool Located, int Buffered, long Dropped);

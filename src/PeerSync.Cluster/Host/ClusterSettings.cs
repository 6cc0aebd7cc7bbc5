namespace PeerSync.Cluster.Host;

/// <summary>What <see cref="Cluster.Start"/> needs. Everything but <see cref="Config"/> has a production default.</summary>
public sealed record ClusterSettings
{
    /// <summary>The validated `peersync.cluster` settings (<see cref="ClusterOptions.ToConfig"/>).</summary>
    public required ClusterConfig Config { get; init; }

    /// <summary>Who this node is; null takes it from the system's remoting (the identity its handshakes announce).</summary>
    public ClusterSelf? Self { get; init; }

    /// <summary>How cluster messages travel; null uses <see cref="RemotingClusterNetwork"/> over the system's remoting.</summary>
    public IClusterNetwork? Network { get; init; }

    /// <summary>Seeds the machine's PRNG (gossip targets, vote back-off); null derives it from the incarnation.</summary>
    public ulong? RandomSeed { get; init; }
}

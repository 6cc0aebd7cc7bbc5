namespace PeerSync.Cluster.Election;

/// <summary>`peersync.cluster.election.mode`.</summary>
public enum ElectionMode
{
    /// <summary>A leader is elected (epochs, votes, lease) and runs the singleton.</summary>
    Leader,

    /// <summary>No election: the leader is always none and no singleton runs.</summary>
    Leaderless,
}

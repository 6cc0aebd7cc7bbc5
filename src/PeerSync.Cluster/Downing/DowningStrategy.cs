namespace PeerSync.Cluster.Downing;

/// <summary>How the cluster resolves a stable set of unreachable members (docs/design/downing.md).</summary>
public enum DowningStrategy
{
    /// <summary>The side with more than half of the Up/Leaving members survives; on a tie, the side with the oldest member.</summary>
    KeepMajority,

    /// <summary>The side with the oldest member survives (with down-if-alone: unless the oldest is alone).</summary>
    KeepOldest,

    /// <summary>A side with at least the configured number of members survives.</summary>
    StaticQuorum,

    /// <summary>Nothing is downed automatically; an operator downs members.</summary>
    Off,
}

namespace PeerSync.Cluster;

/// <summary>The cluster machine's lifecycle (docs/design/membership.md, "Join").</summary>
public enum ClusterPhase
{
    /// <summary>Created; waiting for <see cref="ClusterInput.JoinSeedNodes"/>.</summary>
    Idle,

    /// <summary>Asking the seeds whether a cluster exists (InitJoin).</summary>
    Probing,

    /// <summary>Sent a Join to a member; waiting for Welcome.</summary>
    Joining,

    /// <summary>A member (any status up to Exiting).</summary>
    Member,

    /// <summary>The cluster part has stopped (downed, removed, left); every input is ignored.</summary>
    Stopped,
}

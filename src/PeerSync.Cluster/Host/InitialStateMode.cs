namespace PeerSync.Cluster.Host;

/// <summary>How a new subscriber learns the state that existed before it subscribed.</summary>
public enum InitialStateMode
{
    /// <summary>One <see cref="Membership.ClusterStateSnapshot"/>, then the events that follow it.</summary>
    AsSnapshot,

    /// <summary>
    /// The current state as events (a MemberUp for each Up member, an UnreachableMember for each
    /// unreachable one, a LeaderChanged...), then the events that follow, so one handler serves both.
    /// </summary>
    AsEvents,
}

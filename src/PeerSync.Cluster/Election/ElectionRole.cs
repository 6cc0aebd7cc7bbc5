namespace PeerSync.Cluster.Election;

/// <summary>Where a node stands in the election (docs/design/election.md has the diagram).</summary>
public enum ElectionRole
{
    /// <summary>Votes and acknowledges the leader's heartbeats.</summary>
    Follower,

    /// <summary>Asked for votes in its epoch and waits for a majority.</summary>
    Candidate,

    /// <summary>Won its epoch; acting (singleton running) only while it holds a majority lease.</summary>
    Leader,

    /// <summary>Stopping its singleton before it may announce its resignation (handover, lease lapse, downing).</summary>
    SteppingDown,
}

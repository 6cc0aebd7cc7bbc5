namespace PeerSync.Remote.Links;

/// <summary>
/// A peer's connectivity as its link sees it (also what the <see cref="PeerState.PeerStateService"/>
/// reports). Messages to a peer are buffered while <see cref="Connecting"/>, sent while
/// <see cref="Connected"/>, and dead-lettered with the reason once <see cref="Disconnected"/>.
/// </summary>
public enum PeerLinkState
{
    /// <summary>No usable session yet: dialing, waiting out a reconnect backoff, or waiting for the peer to dial.</summary>
    Connecting,

    /// <summary>A session is active; messages flow.</summary>
    Connected,

    /// <summary>The active session is being closed on request (disconnect, shutdown); the link stops after.</summary>
    Disconnecting,

    /// <summary>The link has stopped: the peer was disconnected, removed, or the node shuts down.</summary>
    Disconnected,
}

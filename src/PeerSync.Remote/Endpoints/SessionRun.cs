using PeerSync.Actors;
using PeerSync.Remote.Refs;
using PeerSync.Remote.Session;

namespace PeerSync.Remote.Endpoints;

/// <summary>The active session of an association with its reader and writer loops.</summary>
internal sealed class SessionRun(PeerSession session, long id, IActorRef link, BoundNode peer, SessionWriter writer)
{
    public PeerSession Session { get; } = session;

    /// <summary>The link's id for the session.</summary>
    public long Id { get; } = id;

    /// <summary>The PeerLink actor told when the session ends.</summary>
    public IActorRef Link { get; } = link;

    public BoundNode Peer { get; } = peer;

    /// <summary>The batch-building state, used by whoever holds the association's writer flag.</summary>
    public SessionWriter WriterState { get; } = writer;

    /// <summary>
    /// Whether the connection calls the association back when it has written everything queued
    /// (<see cref="Transport.IFrameConnection.TrySetDrainedHandler"/>), so that a batch waits for the
    /// connection to be idle. False for a connection that never calls back: each batch then goes out
    /// as soon as it is told, or nothing would send what was told while the connection was writing.
    /// Set before the run is published as the association's active one.
    /// </summary>
    public bool AwaitsDrain { get; set; }

    public Task Reader { get; set; } = Task.CompletedTask;

    public Task Writer { get; set; } = Task.CompletedTask;

    /// <summary>Why the link stopped using the session (set before the reader is stopped, so the reader can report it).</summary>
    public Transport.ConnectionClosed? StopReason { get; set; }

    /// <summary>Stops the reader without closing the connection, so a last acknowledgement can still go out.</summary>
    public CancellationTokenSource ReaderStop { get; } = new();

    private volatile bool _stopping;

    /// <summary>Set when the link stops using the session: both loops end at their next step.</summary>
    public bool Stopping
    {
        get => _stopping;
        set => _stopping = value;
    }
}

/// <summary>Told to the PeerLink actor when a session's reader ends (exactly once per activated session).</summary>
internal sealed record SessionEnded(long SessionId, Transport.ConnectionClosed Closed);

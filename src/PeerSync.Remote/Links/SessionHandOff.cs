using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;

namespace PeerSync.Remote.Links;

/// <summary>
/// Where open sessions are left for a link's actor to take, until that actor is stopped for good
/// (see docs/design/remote-links.md, "Link supervision"): the sessions of the link's dials, which
/// complete on tasks of their own, and the sessions the links actor offers it (the peer's dial-ins).
/// Each is told to the actor in a message; told to an actor that has stopped, or still in its
/// mailbox when it stops, the message becomes a dead letter, and the open session in it (its
/// connection, reader and buffers, and the peer's link taking it as ours) would stay open until the
/// peer's heartbeat timeout, or for ever. So the sender leaves the session here before it tells the
/// actor, the actor takes it when it handles the message, and on its final stop closes whatever is
/// left; a session left after that is closed at once. Two per link (dials, offers: each numbered on
/// its own), kept in its <see cref="LinkMemory"/> so that a restarted instance (which receives what
/// was told to the failed instance) takes them as before; the one message it does not receive, the
/// one whose handling failed, has its session closed by the restart (<see cref="Abandon"/>). Thread-safe: dials complete on the thread
/// pool, and the links actor offers on its own turn.
/// </summary>
internal sealed class SessionHandOff
{
    private readonly object _gate = new();
    private readonly Dictionary<long, PeerSession> _pending = [];
    private readonly string _what;
    private string? _closedReason;

    /// <param name="what">What numbers the sessions left here ("dial", "offer"), for the invariant's message.</param>
    public SessionHandOff(string what) => _what = what;

    /// <summary>
    /// Leaves the session numbered <paramref name="number"/> for the link; false when the link has
    /// stopped for good (or, a bug, the number was used before), in which case the session has been
    /// closed, saying why.
    /// </summary>
    public bool TryLeave(long number, PeerSession session)
    {
        string reason;
        lock (_gate)
        {
            if (_closedReason is not null)
            {
                reason = _closedReason;
            }
            else if (_pending.TryAdd(number, session))
            {
                return true;
            }
            else
            {
                // Numbers are unique for the link's lifetime (dials: LinkMemory.LastDialAttempt; offers:
                // their wake). Thrown here, on the sender's thread, the violation would go unseen and
                // leave the session open.
                reason = $"invariant violated: {_what} {number} handed over twice";
            }
        }

        session.Close(DisconnectReason.Shutdown, reason);
        return false;
    }

    /// <summary>The link handles the message of <paramref name="number"/>: the session is its own from now on.</summary>
    public void Take(long number)
    {
        lock (_gate)
        {
            _pending.Remove(number);
        }
    }

    /// <summary>
    /// The link's actor failed while handling the message of <paramref name="number"/> and restarts:
    /// the restarted instance never receives that message again, so the session, if the failed
    /// handling did not take it yet, is closed with <paramref name="reason"/>. A session already taken
    /// is the link's own (its restart closes it), and one whose message is still in the mailbox is
    /// left for the restarted instance, which takes it.
    /// </summary>
    public void Abandon(long number, string reason)
    {
        PeerSession? left;
        lock (_gate)
        {
            _pending.Remove(number, out left);
        }

        left?.Close(DisconnectReason.Shutdown, reason);
    }

    /// <summary>
    /// The link's actor stopped for good: closes the sessions left for it, and every session left
    /// from now on, with <paramref name="reason"/>.
    /// </summary>
    public void Close(string reason)
    {
        PeerSession[] left;
        lock (_gate)
        {
            if (_closedReason is not null)
            {
                return;
            }

            _closedReason = reason;
            left = [.. _pending.Values];
            _pending.Clear();
        }

        foreach (var session in left)
        {
            session.Close(DisconnectReason.Shutdown, reason);
        }
    }
}

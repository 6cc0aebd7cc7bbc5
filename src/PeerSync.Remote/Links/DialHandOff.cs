using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;

namespace PeerSync.Remote.Links;

/// <summary>
/// Where a link's dials leave the sessions they established, for the link's actor to take, until
/// that actor is stopped for good (see docs/design/remote-links.md, "Dials"). A dial completes on a
/// task of its own and tells the actor; told to an actor that has stopped, or still in its mailbox
/// when it stops, the outcome becomes a dead letter, and the open session in it (its connection,
/// reader and buffers, and the peer's link taking it as ours) would stay open until the peer's
/// heartbeat timeout, or for ever. So a dial leaves its session here before it tells the actor, the
/// actor takes it when it handles the outcome, and on its final stop closes whatever is left; a dial
/// that completes after that closes its session itself. One per link, kept in its
/// <see cref="LinkMemory"/> so that a restarted instance (which receives the outcomes of the failed
/// instance's dials) takes them as before. Thread-safe: dials complete on the thread pool.
/// </summary>
internal sealed class DialHandOff
{
    private readonly object _gate = new();
    private readonly Dictionary<long, PeerSession> _pending = [];
    private string? _closedReason;

    /// <summary>
    /// Leaves the session of dial <paramref name="attempt"/> for the link; false when the link has
    /// stopped for good (or, a bug, the dial's number was used before), in which case the session has
    /// been closed, saying why.
    /// </summary>
    public bool TryLeave(long attempt, PeerSession session)
    {
        string reason;
        lock (_gate)
        {
            if (_closedReason is not null)
            {
                reason = _closedReason;
            }
            else if (_pending.TryAdd(attempt, session))
            {
                return true;
            }
            else
            {
                // Dial numbers are unique for the link's lifetime (LinkMemory.LastDialAttempt). Thrown
                // here, on the dial's task, the violation would go unseen and leave the session open.
                reason = $"invariant violated: dial {attempt} completed twice";
            }
        }

        session.Close(DisconnectReason.Shutdown, reason);
        return false;
    }

    /// <summary>The link handles the outcome of dial <paramref name="attempt"/>: the session is its own from now on.</summary>
    public void Take(long attempt)
    {
        lock (_gate)
        {
            _pending.Remove(attempt);
        }
    }

    /// <summary>
    /// The link's actor stopped for good: closes the sessions left for it, and every session a dial
    /// establishes from now on, with <paramref name="reason"/>.
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

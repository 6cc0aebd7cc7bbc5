using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Links;

public sealed partial class PeerLinkMachine
{
    /// <summary>
    /// A new session (dialed or accepted) with the peer: refuse it, make it the active one, or
    /// keep the current one, by the rules in docs/design/remote-links.md ("Which session wins").
    /// </summary>
    private void Established(LinkSession session, long nowMs)
    {
        if (IsStopping)
        {
            _effects.Add(new CloseSession(session.Id, DisconnectReason.Shutdown, $"the link to {Peer} is {State}"));
            return;
        }

        if (_quarantined.Contains(session.Peer.Incarnation))
        {
            _effects.Add(new CloseSession(session.Id, DisconnectReason.Quarantined, $"incarnation {session.Peer} is quarantined by {Self}"));
            if (_active is null && (session.DialedBySelf || (!_dialInFlight && _retryAtMs is null)))
            {
                // A refused dial counts as a failed one. A refused dial-in that leaves nothing under
                // way (it started the link: see Offered) must not leave the link waiting for the
                // peer: it dials the peer's address itself, to find its next incarnation.
                _failures++;
                ScheduleRetry(nowMs);
            }

            return;
        }

        Address = session.PeerAddress;
        if (_active is not { } active || _activeClosing)
        {
            Activate(session, _active, "replaced: the previous session was already closing");
            return;
        }

        if (session.Peer.Incarnation != active.Peer.Incarnation)
        {
            Activate(session, active, $"the peer restarted as {session.Peer}");
            return;
        }

        var simultaneous = Math.Abs(session.EstablishedAtMs - active.EstablishedAtMs) <= _config.TieBreakWindowMs
            && session.DialedBySelf != active.DialedBySelf;
        if (!simultaneous)
        {
            // The peer (or this node) dialed again although a session existed: whoever dialed has
            // lost the old session, so the newer one is the one both sides can use.
            Activate(session, active, "replaced by a newer session with the same peer");
            return;
        }

        var lower = Self < Peer ? Self : Peer;
        var detail = $"duplicate session: both nodes dialed at once; the tie-break keeps the session dialed by {lower} (the lower node id)";
        var newDialedByLower = session.DialedBySelf == (lower == Self);
        if (newDialedByLower)
        {
            Activate(session, active, detail);
        }
        else
        {
            Notice($"{session} closed: {detail}");
            _effects.Add(new CloseSession(session.Id, DisconnectReason.Shutdown, detail));
        }
    }

    private void Activate(LinkSession session, LinkSession? replaced, string replacedDetail)
    {
        if (_lastPeer is { } previous && previous.Incarnation != session.Peer.Incarnation && _quarantined.Add(previous.Incarnation))
        {
            // The peer restarted: the old incarnation is gone for good. Quarantine it before the new
            // session carries anything, so nothing meant for the old process reaches the new one.
            _effects.Add(new QuarantinePrevious(previous, session.Peer));
        }

        _active = session;
        _activeClosing = false;
        _lastPeer = session.Peer;
        _failures = 0;
        _retryAtMs = null;
        // Connected is published before the session carries anything: whoever gets a message
        // through it (a reply, say) and then asks the peer-state service must not hear Connecting.
        if (State != PeerLinkState.Connected || replaced is null || replaced.Peer != session.Peer)
        {
            Transition(PeerLinkState.Connected, session.Peer, replaced is null ? $"{session} established" : $"{session} replaced {replaced}");
        }

        _effects.Add(new ActivateSession(session, replaced, replaced is null ? null : replacedDetail));
    }
}

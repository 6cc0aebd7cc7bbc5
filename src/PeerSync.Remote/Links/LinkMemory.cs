using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Links;

/// <summary>
/// What the link of one peer keeps across restarts of its actor (see docs/design/remote-links.md,
/// "Link supervision"). The links actor creates one per link and hands it to every instance of that
/// link's actor; only the link's actor touches it. Without it a restarted link would:
/// <list type="bullet">
/// <item>report wakes counted from zero again, so every later LinkStopped would read as stale and the
/// links actor would never count it dormant (<see cref="LatestWake"/>);</item>
/// <item>forget an address learned after it was created (from the peer's handshake, or a connect),
/// and wait for the peer to dial instead of dialing it (<see cref="Address"/>);</item>
/// <item>run a fresh machine although it was dormant when it crashed, which the links actor never
/// hears of: it would still count the link dormant (<see cref="IsDormant"/>);</item>
/// <item>start over and redial a peer it was told to leave, when it crashed while disconnecting:
/// the links actor would wait for its stop report for ever (<see cref="StopReason"/>);</item>
/// <item>number its sessions from one again, so the end of the failed instance's active session,
/// which that session's reader reports to the link once it has stopped (possibly after the restart),
/// would read as the end of the new instance's session of the same number, and close it
/// (<see cref="NextSessionId"/>);</item>
/// <item>number its dials from one again, in a new machine after a restart or a wake, so the failure
/// of a dial an earlier machine started, reported once that dial gives up, would read as the failure
/// of the new machine's own dial under way: the link would count a failure that is not its own and,
/// believing no dial under way, dial again beside it (<see cref="LastDialAttempt"/>).</item>
/// </list>
/// The incarnation of the peer the link last had a session with, which every new machine must know
/// (meeting the peer's next incarnation quarantines it), is not kept here: the peer's association
/// records it as it activates each session (<see cref="Endpoints.Association.Current"/>) and outlives
/// both restarts of the link's actor and the link itself, so the link reads it from there.
/// A link whose actor is stopped for good takes its memory with it, and the link made for the peer
/// afterwards needs none of it: the wakes are numbered anew by the links actor, which forgot the old
/// link, and the old link's late reports (session ends, dial outcomes) go to its stopped actor, never
/// to the new one, so session and dial numbers may start over (a late dial outcome's session is
/// closed by <see cref="Dials"/>, which the stopped actor closed, as is the session of an offer told to
/// it by <see cref="Offers"/>).
/// </summary>
internal sealed class LinkMemory
{
    private long _lastSessionId;

    /// <param name="address">Where to dial the peer, when known at creation (for a link created from a
    /// session offer, the address the peer advertised in its handshake); null when not known.</param>
    public LinkMemory(EndpointAddress? address) => Address = address;

    /// <summary>The last wake the link handled (reported in <see cref="LinkStopped"/>).</summary>
    public WakeSeq LatestWake { get; private set; }

    /// <summary>
    /// The latest address known for the peer: a restarted running link dials it, and a dormant link
    /// woken by the peer's dial-in redials it should that session be refused or lost.
    /// </summary>
    public EndpointAddress? Address { get; private set; }

    /// <summary>
    /// True from the link's stop report (<see cref="Stopped"/>) until it handles a wake: a link
    /// restarted in this state stays dormant, as the links actor counts it.
    /// </summary>
    public bool IsDormant { get; private set; }

    /// <summary>
    /// Why the link was stopping when its actor failed (it was disconnecting, or stopped without
    /// having reported it yet); null when it was running. A link restarted with it finishes the stop.
    /// </summary>
    public string? StopReason { get; private set; }

    /// <summary>
    /// The number of a session the link registers: from 1, never the same twice for the link, also
    /// across restarts of its actor (see the class summary).
    /// </summary>
    public long NextSessionId() => ++_lastSessionId;

    /// <summary>
    /// The number of the last dial the link started (0: none yet): every machine the link makes numbers
    /// its dials after it (see the class summary).
    /// </summary>
    public long LastDialAttempt { get; private set; }

    /// <summary>
    /// Where the link's dials leave their sessions for it; unlike the rest of the memory, touched by
    /// the dials' tasks too (it is thread-safe).
    /// </summary>
    public SessionHandOff Dials { get; } = new("dial");

    /// <summary>
    /// Where the links actor leaves the sessions it offers the link (numbered by their wake); touched
    /// by the links actor too (it is thread-safe).
    /// </summary>
    public SessionHandOff Offers { get; } = new("offer");

    /// <summary>
    /// The link starts dial <paramref name="attempt"/>. Each machine numbers its dials after the last
    /// one the link started and the link starts them in order, so a number not above it is a bug.
    /// </summary>
    public void Dialing(long attempt)
    {
        if (attempt <= LastDialAttempt)
        {
            // A violated invariant: this dial's outcome could be taken for an earlier dial's, or the reverse.
            throw new InvalidOperationException($"invariant violated: dial attempt {attempt} started after dial attempt {LastDialAttempt}; a link's machines number their dials after the last one it started");
        }

        LastDialAttempt = attempt;
    }

    /// <summary>
    /// The link handled <paramref name="wake"/> (a session offer or a connect from the links actor):
    /// it runs from now on, also if it crashes before it reports a stop. The links actor numbers in
    /// order and the mailbox keeps that order, so a lower number is a bug.
    /// </summary>
    public void Handled(WakeSeq wake)
    {
        if (wake < LatestWake)
        {
            // A violated invariant, not a condition to live with: the links actor would misjudge the link.
            throw new InvalidOperationException($"invariant violated: wake {wake} handled after wake {LatestWake}; the links actor numbers wakes in order");
        }

        LatestWake = wake;
        IsDormant = false;
    }

    /// <summary>
    /// The link's actor failed: keeps what its machine knew that the next instance must not lose, the
    /// peer's latest address (null, nothing known, keeps the previous one) and a stop under way (none
    /// while dormant: that machine's stop is over). <paramref name="machine"/> is null when the failed
    /// instance had none (it restarted dormant and was never woken), which changes nothing.
    /// </summary>
    public void Failed(PeerLinkMachine? machine)
    {
        if (machine is null)
        {
            return;
        }

        if (machine.Address is { } known)
        {
            Address = known;
        }

        StopReason = IsDormant ? null : machine.StopReason;
    }

    /// <summary>
    /// The link stopped and goes dormant: returns the report for the links actor, which carries the
    /// last wake handled. A restart from here on keeps the link dormant, as the links actor counts it
    /// once the report arrives (or, when a wake was sent since, the link handles that wake and runs,
    /// as the links actor counts it too). <paramref name="address"/> is the latest address the stopped
    /// machine knew (null, nothing known, keeps the previous one), where the link dials when it wakes.
    /// </summary>
    public LinkStopped Stopped(NodeId peer, EndpointAddress? address)
    {
        if (address is { } known)
        {
            Address = known;
        }

        IsDormant = true;
        StopReason = null;
        return new LinkStopped(peer, LatestWake);
    }
}

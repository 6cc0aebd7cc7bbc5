using System.Globalization;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Links;

/// <summary>
/// The connection lifecycle of the link to one peer node, as a pure machine (see
/// docs/design/remote-links.md, "PeerLinkMachine"): when to dial and redial (exponential backoff
/// with seeded jitter), which of two sessions to keep (deterministic tie-break), when a session is
/// lost (heartbeat timeout), and when a new incarnation replaces the old one. No I/O, clock or
/// randomness of its own: the host (PeerLinkActor) feeds it sessions, dial results and time, and
/// carries out the <see cref="LinkEffect"/>s it returns. Messages themselves never pass through it.
/// </summary>
public sealed partial class PeerLinkMachine
{
    private readonly PeerLinkConfig _config;
    private readonly HashSet<Incarnation> _quarantined = [];
    private readonly List<LinkEffect> _effects = [];
    private readonly List<string> _notices = [];
    private SplitMix64 _jitter;
    private LinkSession? _active;
    private bool _activeClosing;

    /// <summary>
    /// The last incarnation of the peer the link had a session with: this machine's, or, before it
    /// has one, the one it was given at creation. Meeting another incarnation quarantines it.
    /// </summary>
    private UniqueNode? _lastPeer;

    private long _dialAttempt;
    private bool _dialInFlight;
    private int _failures;
    private long? _retryAtMs;
    private long _lastHeartbeatMs;

    /// <param name="address">Where to dial the peer; null when it is not known yet (the link then
    /// waits for the peer to dial, and learns the address from the handshake).</param>
    /// <param name="jitterSeed">Seed of the backoff jitter; the same seed gives the same delays.</param>
    /// <param name="lastDialAttempt">The number of the last dial the link started before this machine
    /// (0: none). This machine numbers its dials after it, so the outcome of a dial an earlier machine
    /// of the link started, reported after this one was made, never reads as one of this machine's.</param>
    /// <param name="lastPeer">The last incarnation of the peer the link had a session with before this
    /// machine (null: none). This machine takes it as its previous incarnation, so on meeting a newer
    /// one it quarantines it (<see cref="QuarantinePrevious"/>) as a machine that had the session would.</param>
    public PeerLinkMachine(PeerLinkConfig config, NodeId self, NodeId peer, ulong jitterSeed, EndpointAddress? address, long nowMs, long lastDialAttempt = 0, UniqueNode? lastPeer = null)
        : this(config, self, peer, jitterSeed, address, nowMs, PeerLinkState.Connecting, lastDialAttempt, lastPeer)
    {
        _effects.Add(new LinkStateChanged(PeerLinkState.Disconnected, PeerLinkState.Connecting, null, "link started"));
        if (address is { } target)
        {
            Dial(target);
        }
        else
        {
            Notice("no address known for the peer yet: waiting for it to dial");
        }
    }

    private PeerLinkMachine(PeerLinkConfig config, NodeId self, NodeId peer, ulong jitterSeed, EndpointAddress? address, long nowMs, PeerLinkState state, long lastDialAttempt, UniqueNode? lastPeer)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegative(lastDialAttempt);
        if (lastPeer is { } known && known.Id != peer)
        {
            throw new ArgumentException($"the last peer of the link to {peer} cannot be {known}, an incarnation of another node", nameof(lastPeer));
        }

        _config = config;
        _dialAttempt = lastDialAttempt;
        _lastPeer = lastPeer;
        Self = self;
        Peer = peer;
        _jitter = new SplitMix64(jitterSeed);
        Address = address;
        State = state;
        _lastHeartbeatMs = nowMs;
    }

    /// <summary>
    /// The machine of a link whose previous host failed while the link was stopping (disconnecting,
    /// or stopped but not yet dormant): it finishes the stop at once with <paramref name="reason"/>
    /// (StopLink, then the state change from Disconnecting to Disconnected) instead of starting over
    /// and dialing the peer the link was told to leave. There is nothing left to flush over: the
    /// failed host closed its sessions, so what is still unacknowledged is dead-lettered by the stop.
    /// </summary>
    public static PeerLinkMachine Stopping(PeerLinkConfig config, NodeId self, NodeId peer, ulong jitterSeed, EndpointAddress? address, string reason, long nowMs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        // It never dials, and a dial outcome finds no dial of its own under way: numbers do not
        // matter. It activates no session either, so it has no previous incarnation to quarantine.
        var machine = new PeerLinkMachine(config, self, peer, jitterSeed, address, nowMs, PeerLinkState.Disconnecting, lastDialAttempt: 0, lastPeer: null);
        machine.Notice("the link restarted while it was stopping: it stops now, without a flush (its sessions were closed by the restart)");
        machine.Stop(reason, null);
        return machine;
    }

    /// <summary>
    /// The machine of a link started by a session offered to it (a dormant link woken by the peer
    /// dialing in): it knows where the peer can be dialed, <paramref name="address"/>, but does not
    /// dial now, since the session handed in next is the connection (a dial would only make a second
    /// one for the tie-break to close). Should that session be refused or lost, the link dials the
    /// address itself, with backoff, instead of waiting for the peer to dial again. A null address
    /// gives the same machine as the constructor with none: it waits for the peer.
    /// <paramref name="lastDialAttempt"/> and <paramref name="lastPeer"/> are as for the constructor.
    /// </summary>
    public static PeerLinkMachine Offered(PeerLinkConfig config, NodeId self, NodeId peer, ulong jitterSeed, EndpointAddress? address, long nowMs, long lastDialAttempt = 0, UniqueNode? lastPeer = null)
    {
        var machine = new PeerLinkMachine(config, self, peer, jitterSeed, address, nowMs, PeerLinkState.Connecting, lastDialAttempt, lastPeer);
        machine._effects.Add(new LinkStateChanged(PeerLinkState.Disconnected, PeerLinkState.Connecting, null, "link started"));
        if (address is null)
        {
            machine.Notice("no address known for the peer yet: waiting for it to dial");
        }

        return machine;
    }

    public NodeId Self { get; }

    public NodeId Peer { get; }

    public PeerLinkState State { get; private set; }

    /// <summary>The session carrying messages, if any.</summary>
    public LinkSession? Active => _active;

    /// <summary>Where the link dials the peer (configured, or learned from the peer's handshake).</summary>
    public EndpointAddress? Address { get; private set; }

    /// <summary>Consecutive failed dials since the last active session (the backoff exponent).</summary>
    public int Failures => _failures;

    /// <summary>When the next dial is due, while waiting out a backoff.</summary>
    public long? RetryAtMs => _retryAtMs;

    /// <summary>Why the link is stopping or stopped (a disconnect's reason, or why it stopped on its own); null while it runs.</summary>
    public string? StopReason { get; private set; }

    public bool HasReady => _effects.Count > 0 || _notices.Count > 0;

    public PeerLinkReady TakeReady()
    {
        if (!HasReady)
        {
            return PeerLinkReady.Empty;
        }

        var ready = new PeerLinkReady(_effects.ToArray(), _notices.ToArray());
        _effects.Clear();
        _notices.Clear();
        return ready;
    }

    /// <summary>Dial <paramref name="address"/> now if the link has no session (an explicit connect resets the backoff).</summary>
    public void Connect(EndpointAddress address, long nowMs)
    {
        if (IsStopping)
        {
            Notice($"connect to {address} ignored: the link is {State}");
            return;
        }

        Address = address;
        if (State == PeerLinkState.Connecting && _active is null && !_dialInFlight)
        {
            _failures = 0;
            Dial(address);
        }
    }

    /// <summary>A dial started by <see cref="DialPeer"/> produced a session.</summary>
    public void DialSucceeded(long attempt, LinkSession session, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (attempt == _dialAttempt)
        {
            _dialInFlight = false;
        }

        Established(session, nowMs);
    }

    /// <summary>A dial failed (refused, unreachable, handshake rejected).</summary>
    public void DialFailed(long attempt, string reason, long nowMs)
    {
        if (attempt != _dialAttempt || !_dialInFlight)
        {
            return;
        }

        _dialInFlight = false;
        if (State == PeerLinkState.Connecting && _active is null)
        {
            _failures++;
            Notice($"dial attempt {attempt} to {Address} failed: {reason}");
            ScheduleRetry(nowMs);
        }
    }

    /// <summary>A session that did not come from this machine's own dial: the peer dialed in, or the node dialed the peer's address to learn who is there.</summary>
    public void SessionEstablished(LinkSession session, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(session);
        Established(session, nowMs);
    }

    /// <summary>
    /// A session ended (by either side or the network). <paramref name="quarantinedByPeer"/>: the peer
    /// closed it because it quarantined this node's incarnation, which can then never talk to it
    /// again, so the link stops instead of redialing.
    /// </summary>
    public void SessionClosed(long sessionId, string reason, long nowMs, bool quarantinedByPeer = false)
    {
        if (_active?.Id != sessionId)
        {
            return;
        }

        var lost = _active;
        _active = null;
        _activeClosing = false;
        if (State == PeerLinkState.Disconnecting)
        {
            Stop(StopReason ?? "disconnected", lost.Peer);
            return;
        }

        if (quarantinedByPeer)
        {
            Stop($"{lost.Peer} quarantined this node: {reason}", lost.Peer);
            return;
        }

        Transition(PeerLinkState.Connecting, lost.Peer, $"session lost: {reason}");
        _failures = 0;
        ScheduleRetry(nowMs);
    }

    /// <summary>
    /// Time passes: dial when a backoff ended, send heartbeats, and close a session whose peer has
    /// been silent for the heartbeat timeout. <paramref name="lastReceivedMs"/> is when the active
    /// session last received a frame.
    /// </summary>
    public void Tick(long nowMs, long lastReceivedMs)
    {
        if (State == PeerLinkState.Connected && _active is { } active && !_activeClosing)
        {
            var silentMs = nowMs - Math.Max(lastReceivedMs, active.EstablishedAtMs);
            if (silentMs >= _config.HeartbeatTimeoutMs)
            {
                CloseActive(
                    DisconnectReason.ConnectionLost,
                    Invariant($"no frame from the peer for {silentMs} ms (heartbeat-timeout {_config.HeartbeatTimeoutMs} ms)"));
                return;
            }

            if (nowMs - _lastHeartbeatMs >= _config.HeartbeatIntervalMs)
            {
                _lastHeartbeatMs = nowMs;
                _effects.Add(SendHeartbeat.Instance);
            }

            return;
        }

        if (State == PeerLinkState.Connecting && _retryAtMs is { } due && !_dialInFlight && _active is null && Address is { } address)
        {
            if (nowMs >= due)
            {
                Dial(address);
            }
            else
            {
                // Ticked before the backoff ended: the host's timer fired early against this
                // clock (timers run on a coarser clock), or this is a heartbeat tick. Ask for the
                // timer again, or the dial would wait for the next heartbeat tick (a minute, with
                // a long heartbeat-interval).
                _effects.Add(new ScheduleRetry(due));
            }
        }
    }

    /// <summary>Close the link for good (until a new link is made): the active session is closed with SHUTDOWN.</summary>
    public void Disconnect(string reason, long nowMs)
    {
        if (IsStopping)
        {
            return;
        }

        _retryAtMs = null;
        StopReason = reason;
        if (_active is { } active)
        {
            Transition(PeerLinkState.Disconnecting, active.Peer, reason);
            _activeClosing = true;
            _effects.Add(new CloseSession(active.Id, DisconnectReason.Shutdown, reason, FlushFirst: true));
            return;
        }

        Stop(reason, _lastPeer);
    }

    /// <summary>Never talk to <paramref name="incarnation"/> again: its session (if active) closes and new ones are refused.</summary>
    public void Quarantine(Incarnation incarnation, string reason, long nowMs)
    {
        if (!_quarantined.Add(incarnation))
        {
            return;
        }

        if (_active is { } active && active.Peer.Incarnation == incarnation && !_activeClosing)
        {
            CloseActive(DisconnectReason.Quarantined, reason);
        }
    }

    public bool IsQuarantined(Incarnation incarnation) => _quarantined.Contains(incarnation);

    private bool IsStopping => State is PeerLinkState.Disconnecting or PeerLinkState.Disconnected;

    private void CloseActive(DisconnectReason reason, string detail)
    {
        _activeClosing = true;
        _effects.Add(new CloseSession(_active!.Id, reason, detail));
    }

    private void Dial(EndpointAddress address)
    {
        _retryAtMs = null;
        _dialInFlight = true;
        _dialAttempt++;
        _effects.Add(new DialPeer(_dialAttempt, address));
    }

    private void ScheduleRetry(long nowMs)
    {
        if (Address is null)
        {
            Notice("no address known for the peer: waiting for it to dial");
            return;
        }

        var delay = _config.Backoff.Delay(_failures, _jitter.NextDouble());
        var at = nowMs + (long)delay.TotalMilliseconds;
        _retryAtMs = at;
        _effects.Add(new ScheduleRetry(at));
    }

    private void Transition(PeerLinkState to, UniqueNode? peer, string reason)
    {
        var from = State;
        State = to;
        _effects.Add(new LinkStateChanged(from, to, peer, reason));
    }

    private void Stop(string reason, UniqueNode? peer)
    {
        // StopLink (the association refuses sends) before the Disconnected state is published: a
        // caller that sees Disconnected and then tells the peer something gets the dead letter at
        // once, as the state promises, not a message queued on a link that is going away.
        StopReason = reason;
        _effects.Add(new StopLink(reason));
        Transition(PeerLinkState.Disconnected, peer, reason);
    }

    private void Notice(string text) => _notices.Add(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

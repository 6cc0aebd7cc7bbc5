using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Endpoints;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.PeerState;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;

namespace PeerSync.Remote.Links;

/// <summary>
/// `/system/remote/links/&lt;node&gt;`: hosts the <see cref="PeerLinkMachine"/> of one peer node. It
/// feeds the machine sessions, dial results, session ends and ticks, and carries out its effects:
/// dials, activating a session on the <see cref="Association"/> (only after the replaced one has
/// fully stopped), closing sessions, heartbeats, retry timers, state reports to the
/// <see cref="PeerStateService"/>. Messages to the peer never pass through this actor. A link that
/// stopped (Disconnected) stays dormant and starts a fresh machine when the node is connected again
/// or dials in.
/// </summary>
internal sealed partial class PeerLinkActor : ReceiveActor
{
    private static readonly object HeartbeatKey = "heartbeat";
    private static readonly object RetryKey = "retry";

    private readonly Remoting _remoting;
    private readonly Association _association;
    private readonly long _epoch;
    private readonly Dictionary<long, PeerSession> _sessions = [];
    private readonly Dictionary<UniqueNode, NodeIdentity> _identities = [];
    private readonly EndpointAddress? _initialAddress;
    private readonly HandledWakes _wakes;
    private PeerLinkMachine _machine = null!;
    private long _nextSessionId;
    private long _activations;
    private ulong _starts;

    /// <param name="wakes">The last wake this link handled, kept across restarts of this actor (reported in <see cref="LinkStopped"/>).</param>
    public PeerLinkActor(Remoting remoting, Association association, EndpointAddress? address, HandledWakes wakes)
    {
        _remoting = remoting;
        _association = association;
        _initialAddress = address;
        _wakes = wakes;
        _epoch = remoting.TimeProvider.GetTimestamp();
        Running();
    }

    private NodeId Peer => _association.Peer;

    private long NowMs => (long)_remoting.TimeProvider.GetElapsedTime(_epoch).TotalMilliseconds;

    protected override void PreStart() => StartMachine(_initialAddress);

    protected override void PostStop() => ReleaseSessions("the link stopped");

    protected override void PreRestart(Exception reason, object? message) =>
        ReleaseSessions($"the link failed and restarts: {reason.Message}");

    protected override void PostRestart(Exception reason) => StartMachine(_machine?.Address ?? _initialAddress);

    private void Running()
    {
        ReceiveAsync<LinkStart>(_ => ExecuteAsync());
        ReceiveAsync<OfferSession>(OnOfferAsync);
        ReceiveAsync<DialCompleted>(OnDialCompletedAsync);
        ReceiveAsync<SessionEnded>(OnSessionEndedAsync);
        ReceiveAsync<LinkTick>(_ =>
        {
            var lastReceivedMs = (long)_remoting.TimeProvider.GetElapsedTime(_epoch, _association.LastReceivedTimestamp).TotalMilliseconds;
            _machine.Tick(NowMs, lastReceivedMs);
            KeepRetryTimerUntilDue();
            return ExecuteAsync();
        });
        ReceiveAsync<ConnectLink>(connect =>
        {
            _wakes.Handled(connect.Wake);
            _machine.Connect(connect.Address, NowMs);
            return ExecuteAsync();
        });
        ReceiveAsync<DisconnectLink>(disconnect =>
        {
            _machine.Disconnect(disconnect.Reason, NowMs);
            return ExecuteAsync();
        });
        ReceiveAsync<QuarantineLink>(quarantine =>
        {
            _machine.Quarantine(quarantine.Incarnation, quarantine.Reason, NowMs);
            return ExecuteAsync();
        });
    }

    /// <summary>After Disconnected: wait for a reason to start again.</summary>
    private void Dormant()
    {
        ReceiveAsync<OfferSession>(offer =>
        {
            Wake(null);
            return OnOfferAsync(offer);
        });
        Receive<ConnectLink>(connect =>
        {
            _wakes.Handled(connect.Wake);
            Wake(connect.Address);
        });
        Receive<DialCompleted>(completed => completed.Result.Session?.Close(DisconnectReason.Shutdown, $"the link to {Peer} has stopped"));
        ReceiveAny(_ =>
        {
            // Ticks, session ends, disconnects and quarantines of the stopped machine: nothing to do.
        });
    }

    private void StartMachine(EndpointAddress? address)
    {
        var seed = (_remoting.Options.Link.JitterSeed ?? _remoting.Self.Incarnation.Value) ^ Fnv1a(Peer.Value) ^ _starts++;
        _machine = new PeerLinkMachine(_remoting.Options.Link.ToConfig(_remoting.Options.HandshakeTimeout), _remoting.Self.Id, Peer, seed, address, NowMs);
        Timers.StartPeriodicTimer(HeartbeatKey, LinkTick.Instance, _remoting.Options.Link.HeartbeatInterval);
        Self.Tell(LinkStart.Instance, Self);
    }

    private void Wake(EndpointAddress? address)
    {
        // The association reopens when the new machine's first state change is carried out.
        Become(Running);
        StartMachine(address);
    }

    /// <summary>
    /// Re-arms the retry timer when it fired before the machine's retry was due. A .NET timer counts
    /// its delay on a millisecond tick count and may fire up to a tick before that delay has passed
    /// on the TimeProvider's timestamp, which the machine's clock reads: the machine then sees the
    /// retry not yet due and does nothing, and without a new timer the dial waited for the next
    /// heartbeat tick, heartbeat-interval later (found by LinkResetTests, whose links tick once a
    /// minute: both nodes stayed Connecting). A heartbeat tick leaves a running retry timer alone.
    /// </summary>
    private void KeepRetryTimerUntilDue()
    {
        if (_machine.RetryAtMs is { } dueMs && !Timers.IsTimerActive(RetryKey))
        {
            Timers.StartSingleTimer(RetryKey, LinkTick.Instance, TimeSpan.FromMilliseconds(Math.Max(1, dueMs - NowMs)));
        }
    }

    private Task OnOfferAsync(OfferSession offer)
    {
        _wakes.Handled(offer.Wake);
        var session = offer.Session;
        if (session.Peer.Id != Peer)
        {
            session.Close(DisconnectReason.Shutdown, $"internal error: a session with {session.Peer.Node} reached the link to {Peer}");
            return Task.CompletedTask;
        }

        var linkSession = Register(session, offer.DialedBySelf);
        _machine.SessionEstablished(linkSession, NowMs);
        return ExecuteAsync();
    }

    private Task OnDialCompletedAsync(DialCompleted completed)
    {
        if (completed.Result.Session is not { } session)
        {
            _machine.DialFailed(completed.Attempt, $"{completed.Result.Reason}: {completed.Result.Detail}", NowMs);
            return ExecuteAsync();
        }

        if (session.Peer.Id != Peer)
        {
            // The address now leads to another node: that node's link takes the session.
            _remoting.OfferSession(session, dialedBySelf: true, completed.Address);
            _machine.DialFailed(completed.Attempt, $"{completed.Address} is now node {session.Peer.Node}", NowMs);
            return ExecuteAsync();
        }

        _machine.DialSucceeded(completed.Attempt, Register(session, dialedBySelf: true), NowMs);
        return ExecuteAsync();
    }

    private async Task OnSessionEndedAsync(SessionEnded ended)
    {
        if (_association.ActiveSessionId == ended.SessionId)
        {
            await _association.DeactivateAsync(ended.Closed.Reason, ended.Closed.Detail).ConfigureAwait(true);
        }

        _sessions.Remove(ended.SessionId, out var session);
        var closed = ended.Closed;
        var quarantinedByPeer = closed.ByPeer && closed.Reason == DisconnectReason.Quarantined;
        if (quarantinedByPeer && session is not null)
        {
            LinkLog.QuarantinedByPeer(_remoting.Logger, _remoting.Self.Id, session.Peer.Node, closed.Detail);
            Context.System.EventStream.Publish(new QuarantinedByPeer(session.Peer.Node, closed.Detail));
        }

        _machine.SessionClosed(ended.SessionId, $"{closed.Reason} ({(closed.ByPeer ? "by the peer" : "local")}): {closed.Detail}", NowMs, quarantinedByPeer);
        await ExecuteAsync().ConfigureAwait(true);
    }

    private LinkSession Register(PeerSession session, bool dialedBySelf)
    {
        var id = ++_nextSessionId;
        _sessions[id] = session;
        _identities[session.Peer.Node] = session.Peer;
        if (_remoting.IsQuarantined(session.Peer.Node))
        {
            _machine.Quarantine(session.Peer.Incarnation, "quarantined before this session", NowMs);
        }

        return new LinkSession(id, session.Peer.Node, session.Peer.Address, dialedBySelf, NowMs);
    }

    private void ReleaseSessions(string reason)
    {
        _ = _association.DeactivateAsync(DisconnectReason.Shutdown, reason);
        foreach (var session in _sessions.Values)
        {
            session.Close(DisconnectReason.Shutdown, reason);
        }

        _sessions.Clear();
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}

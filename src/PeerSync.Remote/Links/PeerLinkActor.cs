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
/// or dials in. What must outlive a crash of this actor or its machine (the last wake handled, the
/// peer's latest address, whether the link is dormant or stopping, the session and dial numbers
/// used) is kept in a <see cref="LinkMemory"/> from the links actor; a restarted link stays dormant,
/// finishes its stop, or runs, accordingly. The peer's incarnation it last had a session with is the
/// association's <see cref="Association.Current"/>, which outlives the link.
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
    private readonly LinkMemory _memory;
    private readonly bool _startedByOffer;
    private PeerLinkMachine _machine = null!;
    private long _activations;
    private ulong _starts;

    /// <param name="memory">What this link keeps across restarts of this actor; its address is where the first machine dials.</param>
    /// <param name="startedByOffer">The link is created for a session offered to it (the next message
    /// it gets): its first machine knows the memory's address without dialing it.</param>
    public PeerLinkActor(Remoting remoting, Association association, LinkMemory memory, bool startedByOffer)
    {
        _remoting = remoting;
        _association = association;
        _memory = memory;
        _startedByOffer = startedByOffer;
        _epoch = remoting.TimeProvider.GetTimestamp();
        Running();
    }

    private NodeId Peer => _association.Peer;

    private long NowMs => (long)_remoting.TimeProvider.GetElapsedTime(_epoch).TotalMilliseconds;

    private PeerLinkConfig Config => _remoting.Options.Link.ToConfig(_remoting.Options.HandshakeTimeout);

    /// <summary>
    /// The address <paramref name="session"/>'s handshake advertises for <paramref name="peer"/>: where
    /// a link started by that session dials should it be refused or lost; null when the session is
    /// with another node.
    /// </summary>
    internal static EndpointAddress? AdvertisedAddress(PeerSession session, NodeId peer) =>
        session.Peer.Id == peer ? session.Peer.Address : null;

    /// <summary>
    /// A link created for an offered session starts like a dormant link woken by one: it leaves the
    /// connection to that session and dials the address only if the session is refused or lost.
    /// Before, it started with no address, and a session refused in the quarantine race (Remoting let
    /// it through, the incarnation was quarantined before the link took it) left it waiting for the
    /// peer to dial.
    /// </summary>
    protected override void PreStart() => StartMachine(_startedByOffer
        ? OfferedMachine(_memory.Address)
        : NewMachine(_memory.Address));

    protected override void PostStop()
    {
        // Called only when the actor stops for good (PreRestart does not call it). A dial that
        // completes from now on, or whose outcome is still in the mailbox, has nobody to hand its
        // session to, nor has an offer the links actor tells before it sees this link's Terminated,
        // or still in the mailbox: the hand-offs close their sessions.
        _memory.Dials.Close($"the link to {Peer} stopped before its dial completed");
        _memory.Offers.Close($"the link to {Peer} stopped before it took the session offered to it");
        ReleaseSessions("the link stopped");
    }

    protected override void PreRestart(Exception reason, object? message)
    {
        // The failed instance's machine may have learned the peer's address after the link was
        // created (a link made from a dial-in learns it from the handshake): the next one dials it.
        // It may also have been stopping: the next one finishes the stop instead of redialing.
        _memory.Failed(_machine);
        AbandonFailedHandOff(reason, message);
        ReleaseSessions($"the link failed and restarts: {reason.Message}");
    }

    /// <summary>
    /// The message whose handling failed is not delivered again to the restarted instance (the rest
    /// of the mailbox is): a session it carried that the failed handling had not taken from its
    /// hand-off yet would stay open until the link stops for good. It is closed instead, as a session
    /// the failed instance had taken is by <see cref="ReleaseSessions"/>; the peer redials, or the
    /// restarted link dials the address it knows. Re-telling the message to the restarted instance was
    /// not chosen: handling it again may fail again, spending the restart budget on one session.
    /// </summary>
    private void AbandonFailedHandOff(Exception reason, object? message)
    {
        switch (message)
        {
            case OfferSession offer:
                _memory.Offers.Abandon(offer.Wake.Value, $"the link to {Peer} failed and restarts before it took the session offered to it: {reason.Message}");
                break;
            case DialCompleted completed:
                _memory.Dials.Abandon(completed.Attempt, $"the link to {Peer} failed and restarts before it took the session of dial {completed.Attempt}: {reason.Message}");
                break;
        }
    }

    protected override void PostRestart(Exception reason)
    {
        if (_memory.IsDormant)
        {
            // Crashed while dormant (no wake handled since it stopped): the links actor counts it
            // dormant and its association stays closed, so it stays dormant until a wake.
            Become(Dormant);
            return;
        }

        if (_memory.StopReason is { } stopReason)
        {
            StartMachine(PeerLinkMachine.Stopping(Config, _remoting.Self.Id, Peer, NextSeed(), _memory.Address, stopReason, NowMs));
            return;
        }

        StartMachine(_memory.Address);
    }

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
            return ExecuteAsync();
        });
        ReceiveAsync<ConnectLink>(connect =>
        {
            _memory.Handled(connect.Wake);
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
            // The new machine knows where to dial the peer (the address the link last knew, else the
            // one the peer advertises in this session's handshake) without dialing now: should this
            // session be refused or lost, it redials instead of waiting for the peer to dial again.
            var address = _memory.Address ?? AdvertisedAddress(offer.Session, Peer);
            Wake(offer.Wake, OfferedMachine(address));
            return OnOfferAsync(offer);
        });
        Receive<ConnectLink>(connect => Wake(connect.Wake, NewMachine(connect.Address)));
        Receive<DialCompleted>(completed =>
        {
            _memory.Dials.Take(completed.Attempt);
            completed.Result.Session?.Close(DisconnectReason.Shutdown, $"the link to {Peer} has stopped");
        });
        ReceiveAny(_ =>
        {
            // Ticks, session ends, disconnects and quarantines of the stopped machine: nothing to do.
        });
    }

    private void StartMachine(EndpointAddress? address) => StartMachine(NewMachine(address));

    // Every machine numbers its dials after the last one the link started, so the outcome of an
    // earlier machine's dial, reported after this machine was made, is never taken for its own; and
    // it knows the incarnation the link last had a session with (the association's, which records it
    // on every activation and outlives this actor and the link), so meeting a newer one (the peer
    // restarted while the link was dormant, restarting, or not there) quarantines the old one.
    private PeerLinkMachine NewMachine(EndpointAddress? address) =>
        new(Config, _remoting.Self.Id, Peer, NextSeed(), address, NowMs, _memory.LastDialAttempt, _association.Current?.Node);

    private PeerLinkMachine OfferedMachine(EndpointAddress? address) =>
        PeerLinkMachine.Offered(Config, _remoting.Self.Id, Peer, NextSeed(), address, NowMs, _memory.LastDialAttempt, _association.Current?.Node);

    private void StartMachine(PeerLinkMachine machine)
    {
        _machine = machine;
        Timers.StartPeriodicTimer(HeartbeatKey, LinkTick.Instance, _remoting.Options.Link.HeartbeatInterval);
        Self.Tell(LinkStart.Instance, Self);
    }

    private ulong NextSeed() => (_remoting.Options.Link.JitterSeed ?? _remoting.Self.Incarnation.Value) ^ Fnv1a(Peer.Value) ^ _starts++;

    private void Wake(WakeSeq wake, PeerLinkMachine machine)
    {
        // The wake is recorded and the stopped machine replaced at once: a failure from here on
        // restarts the link running (as the links actor counts it until it reports this wake
        // stopped), never as the old machine's stop. An out-of-order wake fails before, and the link
        // stays dormant.
        _memory.Handled(wake);
        _machine = machine;
        // The association reopens when the new machine's first state change is carried out.
        Become(Running);
        StartMachine(machine);
    }

    private Task OnOfferAsync(OfferSession offer)
    {
        _memory.Handled(offer.Wake);
        _memory.Offers.Take(offer.Wake.Value);
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
        _memory.Dials.Take(completed.Attempt);
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
        var id = _memory.NextSessionId();
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

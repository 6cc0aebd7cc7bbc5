using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Links;
using PeerSync.Remote.Protocol;
using static PeerSync.Remote.Tests.Links.LinkMachineFixture;

namespace PeerSync.Remote.Tests.Links;

/// <summary>The link lifecycle as a pure machine: dial, backoff, tie-break, replacement, heartbeats, stop.</summary>
public sealed class PeerLinkMachineTests
{
    private static PeerLinkMachine Machine(NodeId self, EndpointAddress? address = null, ulong seed = 42) =>
        new(Config, self, self == A ? B : A, seed, address, nowMs: 0);

    private static LinkSession Session(long id, bool dialedBySelf, long atMs, UniqueNode? peer = null) =>
        new(id, peer ?? B1, BAddress, dialedBySelf, atMs);

    private static T Single<T>(PeerLinkReady ready)
        where T : LinkEffect => Assert.Single(ready.Effects.OfType<T>());

    [Fact]
    public void PeerLinkMachine_dials_at_once_when_the_address_is_known()
    {
        var machine = Machine(A, BAddress);

        var ready = machine.TakeReady();

        Assert.Equal(PeerLinkState.Connecting, machine.State);
        Assert.Equal(new DialPeer(1, BAddress), Single<DialPeer>(ready));
        Assert.Equal(new LinkStateChanged(PeerLinkState.Disconnected, PeerLinkState.Connecting, null, "link started"), ready.Effects[0]);
    }

    [Fact]
    public void PeerLinkMachine_waits_for_the_peer_when_no_address_is_known()
    {
        var machine = Machine(A);

        var ready = machine.TakeReady();

        Assert.Empty(ready.Effects.OfType<DialPeer>());
        Assert.Contains("waiting for it to dial", Assert.Single(ready.Notices), StringComparison.Ordinal);
    }

    [Fact]
    public void PeerLinkMachine_asks_for_its_retry_timer_again_when_ticked_before_the_backoff_ended()
    {
        // Regression: a retry timer that fired a few ms early (timers run on a coarser clock than
        // the link's) found the backoff not over and left the dial to the next heartbeat tick;
        // with a heartbeat-interval of a minute, the link stayed down for a minute.
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        machine.DialFailed(1, "refused", 0);
        var retry = Single<ScheduleRetry>(machine.TakeReady());

        machine.Tick(retry.AtMs - 3, 0);

        var early = machine.TakeReady();
        Assert.Empty(early.Effects.OfType<DialPeer>());
        Assert.Equal(retry, Single<ScheduleRetry>(early));
        machine.Tick(retry.AtMs, 0);
        Assert.Equal(new DialPeer(2, BAddress), Single<DialPeer>(machine.TakeReady()));
    }

    [Fact]
    public void PeerLinkMachine_backs_off_exponentially_with_bounded_jitter_up_to_the_maximum()
    {
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        var now = 0L;
        var delays = new List<long>();
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            machine.DialFailed(attempt, "refused", now);
            var retry = Single<ScheduleRetry>(machine.TakeReady());
            delays.Add(retry.AtMs - now);
            now = retry.AtMs;
            machine.Tick(now, 0);
            Assert.Equal(new DialPeer(attempt + 1, BAddress), Single<DialPeer>(machine.TakeReady()));
        }

        // The n-th failure waits min(10 s, 200 ms * 2^n) stretched by up to 20 %: 0.4, 0.8, 1.6, ... 10 s.
        for (var i = 0; i < delays.Count; i++)
        {
            var expected = Math.Min(10_000, 200 * Math.Pow(2, i + 1));
            Assert.InRange(delays[i], (long)expected - 1, (long)(expected * 1.2) + 1);
        }

        Assert.Equal(10, machine.Failures);
    }

    [Fact]
    public void PeerLinkMachine_delays_are_the_same_for_the_same_seed()
    {
        static List<long> Delays(ulong seed)
        {
            var machine = Machine(A, BAddress, seed);
            machine.TakeReady();
            var delays = new List<long>();
            for (var attempt = 1; attempt <= 5; attempt++)
            {
                machine.DialFailed(attempt, "refused", 0);
                delays.Add(Single<ScheduleRetry>(machine.TakeReady()).AtMs);
                machine.Tick(long.MaxValue / 2, 0);
                machine.TakeReady();
            }

            return delays;
        }

        Assert.Equal(Delays(7), Delays(7));
        Assert.NotEqual(Delays(7), Delays(8));
    }

    [Fact]
    public void PeerLinkMachine_activates_a_dialed_session_and_retries_at_the_minimum_backoff_after_losing_it()
    {
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        machine.DialFailed(1, "refused", 0);
        machine.TakeReady();
        machine.Tick(1_000, 0);
        machine.TakeReady();

        machine.DialSucceeded(2, Session(1, dialedBySelf: true, atMs: 1_000), 1_000);
        var connected = machine.TakeReady();
        Assert.Equal(PeerLinkState.Connected, machine.State);
        Assert.Null(Single<ActivateSession>(connected).Replaced);
        Assert.Equal(PeerLinkState.Connected, Single<LinkStateChanged>(connected).To);
        Assert.Equal(0, machine.Failures);

        machine.SessionClosed(1, "connection lost", 5_000);
        var lost = machine.TakeReady();
        Assert.Equal(PeerLinkState.Connecting, machine.State);
        Assert.InRange(Single<ScheduleRetry>(lost).AtMs, 5_200, 5_240);
    }

    [Theory]
    [InlineData("a", true, true)]
    [InlineData("a", false, false)]
    [InlineData("b", true, false)]
    [InlineData("b", false, true)]
    public void PeerLinkMachine_keeps_the_session_dialed_by_the_lower_node_id_when_both_dial_at_once(string self, bool secondDialedBySelf, bool secondWins)
    {
        // The first session is dialed by the other side of the second; both complete within the window.
        var machine = Machine(NodeId.Parse(self), BAddress);
        machine.TakeReady();
        var peer = new UniqueNode(self == "a" ? B : A, new Incarnation(1));
        machine.SessionEstablished(Session(1, !secondDialedBySelf, 10, peer), 10);
        machine.TakeReady();

        machine.DialSucceeded(1, Session(2, secondDialedBySelf, 40, peer), 40);
        var ready = machine.TakeReady();

        if (secondWins)
        {
            var activate = Single<ActivateSession>(ready);
            Assert.Equal(2, activate.Session.Id);
            Assert.Equal(1, activate.Replaced!.Id);
            Assert.Contains("the tie-break keeps the session dialed by a", activate.ReplacedDetail, StringComparison.Ordinal);
            Assert.Equal(2, machine.Active!.Id);
        }
        else
        {
            var close = Single<CloseSession>(ready);
            Assert.Equal(2, close.SessionId);
            Assert.Equal(DisconnectReason.Shutdown, close.Reason);
            Assert.Contains("the tie-break keeps the session dialed by a", close.Detail, StringComparison.Ordinal);
            Assert.Equal(1, machine.Active!.Id);
        }

        Assert.Empty(ready.Effects.OfType<LinkStateChanged>());
    }

    [Fact]
    public void PeerLinkMachine_lets_a_later_session_replace_the_active_one_outside_the_tie_break_window()
    {
        // The peer dialed again long after the first session: it lost the old one (half-open).
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        machine.DialSucceeded(1, Session(1, dialedBySelf: true, atMs: 0), 0);
        machine.TakeReady();

        machine.SessionEstablished(Session(2, dialedBySelf: false, atMs: 60_000), 60_000);

        var activate = Single<ActivateSession>(machine.TakeReady());
        Assert.Equal(2, activate.Session.Id);
        Assert.Equal(1, activate.Replaced!.Id);
        Assert.Equal("replaced by a newer session with the same peer", activate.ReplacedDetail);
    }

    [Fact]
    public void PeerLinkMachine_quarantines_the_previous_incarnation_before_activating_a_restarted_peer()
    {
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        machine.DialSucceeded(1, Session(1, true, 0, B1), 0);
        machine.TakeReady();

        machine.SessionEstablished(Session(2, false, 100, B2), 100);
        var ready = machine.TakeReady();

        var quarantine = Assert.IsType<QuarantinePrevious>(ready.Effects[0]);
        Assert.Equal(new QuarantinePrevious(B1, B2), quarantine);
        Assert.Equal(new LinkStateChanged(PeerLinkState.Connected, PeerLinkState.Connected, B2, "session 2 (accepted) with b#0000000000000002 replaced session 1 (dialed) with b#0000000000000001"), ready.Effects[1]);
        var activate = Assert.IsType<ActivateSession>(ready.Effects[2]);
        Assert.Equal(1, activate.Replaced!.Id);
        Assert.True(machine.IsQuarantined(B1.Incarnation));
    }

    [Fact]
    public void PeerLinkMachine_quarantines_the_previous_incarnation_when_a_restarted_peer_connects_after_the_old_session_dropped()
    {
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        machine.DialSucceeded(1, Session(1, true, 0, B1), 0);
        machine.SessionClosed(1, "peer shut down", 10);
        machine.TakeReady();

        machine.SessionEstablished(Session(2, false, 500, B2), 500);

        Assert.Equal(new QuarantinePrevious(B1, B2), machine.TakeReady().Effects[0]);
    }

    [Fact]
    public void PeerLinkMachine_refuses_sessions_of_a_quarantined_incarnation_and_closes_its_active_one()
    {
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        machine.DialSucceeded(1, Session(1, true, 0, B1), 0);
        machine.TakeReady();

        machine.Quarantine(B1.Incarnation, "removed from the cluster", 100);
        Assert.Equal(new CloseSession(1, DisconnectReason.Quarantined, "removed from the cluster"), Single<CloseSession>(machine.TakeReady()));

        machine.SessionClosed(1, "quarantined", 110);
        machine.TakeReady();
        machine.SessionEstablished(Session(2, false, 200, B1), 200);
        var refused = Single<CloseSession>(machine.TakeReady());
        Assert.Equal(DisconnectReason.Quarantined, refused.Reason);
        Assert.Equal(PeerLinkState.Connecting, machine.State);
    }

    [Fact]
    public void PeerLinkMachine_sends_heartbeats_and_closes_a_silent_session_at_the_timeout()
    {
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        machine.DialSucceeded(1, Session(1, true, 0), 0);
        machine.TakeReady();

        machine.Tick(1_000, lastReceivedMs: 900);
        Assert.Single(machine.TakeReady().Effects.OfType<SendHeartbeat>());
        machine.Tick(1_500, lastReceivedMs: 1_400);
        Assert.False(machine.HasReady);

        machine.Tick(11_400, lastReceivedMs: 1_400);
        var close = Single<CloseSession>(machine.TakeReady());
        Assert.Equal(DisconnectReason.ConnectionLost, close.Reason);
        Assert.Equal("no frame from the peer for 10000 ms (heartbeat-timeout 10000 ms)", close.Detail);
        Assert.Equal(PeerLinkState.Connected, machine.State);

        machine.SessionClosed(1, "closed", 11_410);
        Assert.Equal(PeerLinkState.Connecting, machine.State);
    }

    [Fact]
    public void PeerLinkMachine_disconnects_through_Disconnecting_then_stops()
    {
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        machine.DialSucceeded(1, Session(1, true, 0), 0);
        machine.TakeReady();

        machine.Disconnect("node left", 100);
        var closing = machine.TakeReady();
        Assert.Equal(PeerLinkState.Disconnecting, machine.State);
        Assert.Equal(new CloseSession(1, DisconnectReason.Shutdown, "node left", FlushFirst: true), Single<CloseSession>(closing));

        machine.SessionClosed(1, "closed", 120);
        var stopped = machine.TakeReady();
        Assert.Equal(PeerLinkState.Disconnected, machine.State);
        Assert.Equal(new StopLink("node left"), Single<StopLink>(stopped));

        machine.SessionEstablished(Session(2, false, 200), 200);
        Assert.Equal(DisconnectReason.Shutdown, Single<CloseSession>(machine.TakeReady()).Reason);
    }

    [Theory]
    [InlineData("dialed")]
    [InlineData("accepted")]
    [InlineData("after the peer restarted")]
    public void PeerLinkMachine_reports_connected_before_the_session_carries_messages_when_a_session_is_activated(string path)
    {
        // The host publishes the state on LinkStateChanged and starts the session's reader and
        // writer on ActivateSession, in effect order: a reply received through the session must
        // not find the peer-state service still saying Connecting.
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        if (path == "dialed")
        {
            machine.DialSucceeded(1, Session(1, true, 0), 0);
        }
        else if (path == "accepted")
        {
            machine.SessionEstablished(Session(1, false, 0), 0);
        }
        else
        {
            machine.DialSucceeded(1, Session(1, true, 0), 0);
            machine.TakeReady();
            machine.SessionEstablished(Session(2, false, 50, B2), 50);
        }

        var effects = machine.TakeReady().Effects.ToList();
        var connected = effects.FindIndex(e => e is LinkStateChanged { To: PeerLinkState.Connected });
        var activate = effects.FindIndex(e => e is ActivateSession);
        Assert.True(connected >= 0 && activate >= 0, string.Join(", ", effects));
        Assert.True(connected < activate, "Connected must be reported before the session is activated: " + string.Join(", ", effects));
    }

    [Theory]
    [InlineData("without a session")]
    [InlineData("after the session closed")]
    [InlineData("quarantined by the peer")]
    public void PeerLinkMachine_stops_the_link_before_it_reports_disconnected_when_stopping(string path)
    {
        // The host closes the association on StopLink and publishes the state on LinkStateChanged,
        // in effect order: Disconnected must not be visible while Tell still queues on the link.
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        if (path != "without a session")
        {
            machine.DialSucceeded(1, Session(1, true, 0), 0);
            machine.TakeReady();
        }

        if (path == "quarantined by the peer")
        {
            machine.SessionClosed(1, "Quarantined (by the peer): downed", 10, quarantinedByPeer: true);
        }
        else
        {
            machine.Disconnect("not needed", 5);
            if (path == "after the session closed")
            {
                machine.TakeReady();
                machine.SessionClosed(1, "closed", 10);
            }
        }

        var effects = machine.TakeReady().Effects.ToList();
        var stop = effects.FindIndex(e => e is StopLink);
        var disconnected = effects.FindIndex(e => e is LinkStateChanged { To: PeerLinkState.Disconnected });
        Assert.True(stop >= 0 && disconnected >= 0, string.Join(", ", effects));
        Assert.True(stop < disconnected, "StopLink must come before Disconnected is reported: " + string.Join(", ", effects));
    }

    [Fact]
    public void PeerLinkMachine_stops_at_once_when_disconnected_without_a_session()
    {
        var machine = Machine(A, BAddress);
        machine.TakeReady();

        machine.Disconnect("not needed", 5);

        Assert.Equal(new StopLink("not needed"), Single<StopLink>(machine.TakeReady()));
        Assert.Equal(PeerLinkState.Disconnected, machine.State);
    }

    [Fact]
    public void PeerLinkMachine_stops_instead_of_redialing_when_the_peer_quarantined_this_node()
    {
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        machine.DialSucceeded(1, Session(1, true, 0), 0);
        machine.TakeReady();

        machine.SessionClosed(1, "Quarantined (by the peer): downed", 10, quarantinedByPeer: true);

        var ready = machine.TakeReady();
        Assert.Single(ready.Effects.OfType<StopLink>());
        Assert.Empty(ready.Effects.OfType<ScheduleRetry>());
    }

    [Fact]
    public void PeerLinkMachine_connect_resets_the_backoff_and_dials_at_once()
    {
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            machine.DialFailed(attempt, "refused", 0);
            machine.Tick(long.MaxValue / 2, 0);
        }

        machine.DialFailed(5, "refused", 0);
        machine.TakeReady();
        var other = new EndpointAddress("127.0.0.1", 5000);

        machine.Connect(other, 10);

        Assert.Equal(new DialPeer(6, other), Single<DialPeer>(machine.TakeReady()));
        Assert.Equal(0, machine.Failures);
    }

    [Fact]
    public void PeerLinkMachine_ignores_the_results_of_stale_dials()
    {
        var machine = Machine(A, BAddress);
        machine.TakeReady();
        machine.DialFailed(1, "refused", 0);
        machine.TakeReady();

        machine.DialFailed(1, "refused again", 10);

        Assert.False(machine.HasReady);
        Assert.Equal(1, machine.Failures);
    }
}

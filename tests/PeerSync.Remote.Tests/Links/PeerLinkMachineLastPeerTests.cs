using PeerSync.Remote.Addressing;
using PeerSync.Remote.Links;
using static PeerSync.Remote.Tests.Links.LinkMachineFixture;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// A machine starts knowing the incarnation its link last had a session with (given by the host), so
/// meeting a newer one quarantines the old one exactly as a machine that had that session does
/// (docs/design/remote-links.md, "Which session wins").
/// </summary>
public sealed class PeerLinkMachineLastPeerTests
{
    private static readonly UniqueNode B3 = new(B, new Incarnation(3));

    private static LinkSession Session(long id, UniqueNode peer, bool dialedBySelf = true, long atMs = 0) =>
        new(id, peer, BAddress, dialedBySelf, atMs);

    [Fact]
    public void PeerLinkMachine_quarantines_the_links_last_incarnation_before_activating_a_newer_one()
    {
        var machine = new PeerLinkMachine(Config, A, B, 42, BAddress, nowMs: 0, lastDialAttempt: 4, lastPeer: B1);
        machine.TakeReady();

        machine.DialSucceeded(5, Session(7, B2), 10);
        var effects = machine.TakeReady().Effects;

        Assert.Equal(new QuarantinePrevious(B1, B2), effects[0]);
        Assert.Equal(new LinkStateChanged(PeerLinkState.Connecting, PeerLinkState.Connected, B2, "session 7 (dialed) with b#0000000000000002 established"), effects[1]);
        Assert.Equal(7, Assert.IsType<ActivateSession>(effects[2]).Session.Id);
        Assert.Equal(3, effects.Count);
        Assert.True(machine.IsQuarantined(B1.Incarnation));
    }

    [Fact]
    public void PeerLinkMachine_quarantines_nothing_when_it_meets_the_links_last_incarnation_again()
    {
        var machine = new PeerLinkMachine(Config, A, B, 42, BAddress, nowMs: 0, lastDialAttempt: 4, lastPeer: B1);
        machine.TakeReady();

        machine.DialSucceeded(5, Session(7, B1), 10);

        Assert.DoesNotContain(machine.TakeReady().Effects, e => e is QuarantinePrevious);
        Assert.False(machine.IsQuarantined(B1.Incarnation));
        Assert.Equal(B1, machine.Active!.Peer);
    }

    [Fact]
    public void PeerLinkMachine_quarantines_the_links_last_incarnation_once_when_it_meets_the_newer_one_again()
    {
        var machine = new PeerLinkMachine(Config, A, B, 42, BAddress, nowMs: 0, lastPeer: B1);
        machine.DialSucceeded(1, Session(1, B2), 10);
        machine.SessionClosed(1, "ConnectionLost (by the peer): reset", 20);
        machine.TakeReady();

        machine.SessionEstablished(Session(2, B2, dialedBySelf: false, atMs: 30), 30);

        Assert.DoesNotContain(machine.TakeReady().Effects, e => e is QuarantinePrevious);
        Assert.Equal(2, machine.Active!.Id);
    }

    [Fact]
    public void PeerLinkMachine_quarantines_its_own_sessions_incarnation_when_a_later_one_replaces_it()
    {
        // The incarnation given at creation only stands in until the machine has a session of its own.
        var machine = new PeerLinkMachine(Config, A, B, 42, BAddress, nowMs: 0, lastPeer: B1);
        machine.DialSucceeded(1, Session(1, B2), 10);
        machine.TakeReady();

        machine.SessionEstablished(Session(2, B3, dialedBySelf: false, atMs: 30), 30);

        Assert.Equal(new QuarantinePrevious(B2, B3), Assert.Single(machine.TakeReady().Effects.OfType<QuarantinePrevious>()));
    }

    [Fact]
    public void Offered_quarantines_the_links_last_incarnation_when_the_offered_session_is_a_newer_one()
    {
        var machine = PeerLinkMachine.Offered(Config, A, B, 42, BAddress, nowMs: 0, lastDialAttempt: 2, lastPeer: B1);
        machine.TakeReady();

        machine.SessionEstablished(Session(3, B2, dialedBySelf: false), 0);

        Assert.Equal(new QuarantinePrevious(B1, B2), machine.TakeReady().Effects[0]);
        Assert.True(machine.IsQuarantined(B1.Incarnation));
    }

    [Fact]
    public void Offered_quarantines_nothing_when_the_offered_session_is_the_links_last_incarnation()
    {
        var machine = PeerLinkMachine.Offered(Config, A, B, 42, BAddress, nowMs: 0, lastDialAttempt: 2, lastPeer: B1);
        machine.TakeReady();

        machine.SessionEstablished(Session(3, B1, dialedBySelf: false), 0);

        Assert.DoesNotContain(machine.TakeReady().Effects, e => e is QuarantinePrevious);
        Assert.Equal(PeerLinkState.Connected, machine.State);
    }

    [Fact]
    public void PeerLinkMachine_names_the_links_last_incarnation_when_disconnected_before_a_session()
    {
        // As a machine that had the session and lost it: the stop names the incarnation last met.
        var machine = new PeerLinkMachine(Config, A, B, 42, BAddress, nowMs: 0, lastPeer: B1);
        machine.TakeReady();

        machine.Disconnect("node left", 10);

        Assert.Equal(new LinkStateChanged(PeerLinkState.Connecting, PeerLinkState.Disconnected, B1, "node left"), Single<LinkStateChanged>(machine.TakeReady()));
    }

    [Fact]
    public void PeerLinkMachine_throws_when_the_last_peer_is_another_node()
    {
        var other = new UniqueNode(NodeId.Parse("c"), new Incarnation(1));

        var error = Assert.Throws<ArgumentException>(() => new PeerLinkMachine(Config, A, B, 42, BAddress, nowMs: 0, lastPeer: other));

        Assert.Equal("lastPeer", error.ParamName);
        Assert.StartsWith("the last peer of the link to b cannot be c#0000000000000001, an incarnation of another node", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Offered_throws_when_the_last_peer_is_another_node()
    {
        var other = new UniqueNode(NodeId.Parse("c"), new Incarnation(1));

        var error = Assert.Throws<ArgumentException>(() => PeerLinkMachine.Offered(Config, A, B, 42, BAddress, nowMs: 0, lastPeer: other));

        Assert.Equal("lastPeer", error.ParamName);
    }

    private static T Single<T>(PeerLinkReady ready) => Assert.Single(ready.Effects.OfType<T>());
}

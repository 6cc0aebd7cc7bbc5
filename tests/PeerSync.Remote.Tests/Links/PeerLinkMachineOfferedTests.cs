using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Links;
using PeerSync.Remote.Protocol;
using static PeerSync.Remote.Tests.Links.LinkMachineFixture;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// The machine of a dormant link woken by the peer's dial-in (docs/design/remote-links.md, "Link
/// supervision"): it knows the peer's address without dialing it, and dials it when the offered
/// session is refused or lost.
/// </summary>
public sealed class PeerLinkMachineOfferedTests
{
    private static PeerLinkMachine Offered(EndpointAddress? address) => PeerLinkMachine.Offered(Config, A, B, 42, address, nowMs: 0);

    private static LinkSession Accepted(long id, long atMs) => new(id, B1, BAddress, DialedBySelf: false, atMs);

    [Fact]
    public void Offered_starts_connecting_with_the_address_without_dialing()
    {
        var machine = Offered(BAddress);

        var ready = machine.TakeReady();

        Assert.Equal(PeerLinkState.Connecting, machine.State);
        Assert.Equal(BAddress, machine.Address);
        Assert.Equal([new LinkStateChanged(PeerLinkState.Disconnected, PeerLinkState.Connecting, null, "link started")], ready.Effects);
        Assert.Empty(ready.Notices);
    }

    [Fact]
    public void Offered_waits_for_the_peer_when_no_address_is_known()
    {
        var machine = Offered(null);

        var ready = machine.TakeReady();

        Assert.Null(machine.Address);
        Assert.Empty(ready.Effects.OfType<DialPeer>());
        Assert.Contains("waiting for it to dial", Assert.Single(ready.Notices), StringComparison.Ordinal);
    }

    [Fact]
    public void Offered_activates_the_offered_session_and_redials_the_peer_when_it_is_lost()
    {
        var machine = Offered(BAddress);
        machine.TakeReady();
        machine.SessionEstablished(Accepted(1, 5), 5);
        Assert.Equal(PeerLinkState.Connected, machine.State);
        machine.TakeReady();

        machine.SessionClosed(1, "ConnectionLost (local): reset", 10);
        var retry = Single<ScheduleRetry>(machine.TakeReady());
        machine.Tick(retry.AtMs, 0);

        Assert.Equal(new DialPeer(1, BAddress), Single<DialPeer>(machine.TakeReady()));
    }

    [Fact]
    public void Offered_dials_the_peer_when_the_offered_session_is_refused_as_quarantined()
    {
        // The incarnation was quarantined after the session was offered: the link refuses it, and
        // dials the address to find the peer's next incarnation rather than wait for it to dial.
        var machine = Offered(BAddress);
        machine.TakeReady();
        machine.Quarantine(B1.Incarnation, "downed", 3);

        machine.SessionEstablished(Accepted(1, 5), 5);

        var ready = machine.TakeReady();
        Assert.Equal(DisconnectReason.Quarantined, Single<CloseSession>(ready).Reason);
        var retry = Single<ScheduleRetry>(ready);
        Assert.Equal(PeerLinkState.Connecting, machine.State);
        Assert.Equal(1, machine.Failures);
        machine.Tick(retry.AtMs, 0);
        Assert.Equal(new DialPeer(1, BAddress), Single<DialPeer>(machine.TakeReady()));
    }

    [Fact]
    public void PeerLinkMachine_asks_for_no_second_retry_when_a_dial_in_is_refused_while_a_dial_is_under_way()
    {
        var machine = new PeerLinkMachine(Config, A, B, 42, BAddress, nowMs: 0);
        machine.TakeReady();
        machine.Quarantine(B1.Incarnation, "downed", 3);

        machine.SessionEstablished(Accepted(1, 5), 5);

        var ready = machine.TakeReady();
        Assert.Equal(DisconnectReason.Quarantined, Single<CloseSession>(ready).Reason);
        Assert.Empty(ready.Effects.OfType<ScheduleRetry>());
        Assert.Equal(0, machine.Failures);
    }

    private static T Single<T>(PeerLinkReady ready)
        where T : LinkEffect => Assert.Single(ready.Effects.OfType<T>());
}

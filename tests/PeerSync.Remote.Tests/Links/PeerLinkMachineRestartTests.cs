using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Links;
using PeerSync.Remote.Protocol;
using static PeerSync.Remote.Tests.Links.LinkMachineFixture;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// What the machine tells a restarted link (docs/design/remote-links.md, "Link supervision"): why it
/// was stopping, and a machine that finishes that stop instead of starting over.
/// </summary>
public sealed class PeerLinkMachineRestartTests
{
    private static PeerLinkMachine Connected()
    {
        var machine = new PeerLinkMachine(Config, A, B, 42, BAddress, nowMs: 0);
        machine.DialSucceeded(1, new LinkSession(1, B1, BAddress, DialedBySelf: true, EstablishedAtMs: 0), 0);
        machine.TakeReady();
        return machine;
    }

    [Fact]
    public void StopReason_is_null_while_the_link_runs()
    {
        var machine = Connected();

        Assert.Null(machine.StopReason);
    }

    [Fact]
    public void StopReason_is_the_disconnect_reason_while_disconnecting()
    {
        var machine = Connected();

        machine.Disconnect("node left", 10);

        Assert.Equal(PeerLinkState.Disconnecting, machine.State);
        Assert.Equal("node left", machine.StopReason);
    }

    [Fact]
    public void StopReason_is_why_the_link_stopped_when_the_peer_quarantined_this_node()
    {
        var machine = Connected();

        machine.SessionClosed(1, "Quarantined (by the peer): downed", 10, quarantinedByPeer: true);

        Assert.Equal(PeerLinkState.Disconnected, machine.State);
        Assert.Equal(Single<StopLink>(machine.TakeReady()).Reason, machine.StopReason);
    }

    [Fact]
    public void Stopping_stops_at_once_with_the_reason_without_dialing()
    {
        var machine = PeerLinkMachine.Stopping(Config, A, B, 42, BAddress, "node left", nowMs: 0);

        var ready = machine.TakeReady();

        Assert.Equal(PeerLinkState.Disconnected, machine.State);
        Assert.Equal("node left", machine.StopReason);
        Assert.Equal(
            new LinkEffect[]
            {
                new StopLink("node left"),
                new LinkStateChanged(PeerLinkState.Disconnecting, PeerLinkState.Disconnected, null, "node left"),
            },
            ready.Effects);
        Assert.Contains("restarted while it was stopping", Assert.Single(ready.Notices), StringComparison.Ordinal);
    }

    [Fact]
    public void Stopping_refuses_later_sessions_and_connects()
    {
        var machine = PeerLinkMachine.Stopping(Config, A, B, 42, BAddress, "node left", nowMs: 0);
        machine.TakeReady();

        machine.SessionEstablished(new LinkSession(1, B1, BAddress, DialedBySelf: false, EstablishedAtMs: 5), 5);
        machine.Connect(BAddress, 6);

        var ready = machine.TakeReady();
        Assert.Equal(DisconnectReason.Shutdown, Single<CloseSession>(ready).Reason);
        Assert.Empty(ready.Effects.OfType<DialPeer>());
        Assert.Equal(PeerLinkState.Disconnected, machine.State);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Stopping_throws_when_the_reason_is_blank(string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => PeerLinkMachine.Stopping(Config, A, B, 42, BAddress, reason, nowMs: 0));

        Assert.Equal("reason", error.ParamName);
    }

    private static T Single<T>(PeerLinkReady ready)
        where T : LinkEffect => Assert.Single(ready.Effects.OfType<T>());
}

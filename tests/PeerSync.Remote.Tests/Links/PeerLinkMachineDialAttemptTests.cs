using PeerSync.Remote.Links;
using static PeerSync.Remote.Tests.Links.LinkMachineFixture;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// A machine numbers its dials after the last dial its link started (given by the host), so the
/// outcome of a dial an earlier machine of the same link started is never taken for its own
/// (docs/design/remote-links.md, "Link supervision").
/// </summary>
public sealed class PeerLinkMachineDialAttemptTests
{
    [Fact]
    public void PeerLinkMachine_numbers_its_first_dial_after_the_links_last_dial_when_given_one()
    {
        var machine = new PeerLinkMachine(Config, A, B, 42, BAddress, nowMs: 0, lastDialAttempt: 7);

        var dial = Assert.Single(machine.TakeReady().Effects.OfType<DialPeer>());

        Assert.Equal(new DialPeer(8, BAddress), dial);
    }

    [Fact]
    public void DialFailed_is_ignored_when_it_reports_an_earlier_machines_dial()
    {
        var machine = new PeerLinkMachine(Config, A, B, 42, BAddress, nowMs: 0, lastDialAttempt: 1);
        machine.TakeReady();

        machine.DialFailed(1, "the earlier machine's dial timed out", 10);

        Assert.False(machine.HasReady);
        Assert.Equal(0, machine.Failures);
        Assert.Null(machine.RetryAtMs);

        // Its own dial is still under way: its failure is the one that counts.
        machine.DialFailed(2, "refused", 20);
        Assert.Equal(1, machine.Failures);
        Assert.Equal(new ScheduleRetry(machine.RetryAtMs!.Value), Assert.Single(machine.TakeReady().Effects));
    }

    [Fact]
    public void Offered_numbers_its_dials_after_the_links_last_dial()
    {
        var machine = PeerLinkMachine.Offered(Config, A, B, 42, BAddress, nowMs: 0, lastDialAttempt: 3);
        machine.SessionEstablished(new LinkSession(1, B1, BAddress, DialedBySelf: false, EstablishedAtMs: 0), 0);
        machine.SessionClosed(1, "ConnectionLost (by the peer): reset", 10);
        var retryAt = machine.RetryAtMs!.Value;
        machine.TakeReady();

        machine.Tick(retryAt, lastReceivedMs: 0);

        Assert.Equal(new DialPeer(4, BAddress), Assert.Single(machine.TakeReady().Effects.OfType<DialPeer>()));
    }

    [Fact]
    public void PeerLinkMachine_throws_when_the_last_dial_attempt_is_negative()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new PeerLinkMachine(Config, A, B, 42, BAddress, nowMs: 0, lastDialAttempt: -1));

        Assert.Equal("lastDialAttempt", error.ParamName);
    }

    [Fact]
    public void Offered_throws_when_the_last_dial_attempt_is_negative()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PeerLinkMachine.Offered(Config, A, B, 42, BAddress, nowMs: 0, lastDialAttempt: -1));

        Assert.Equal("lastDialAttempt", error.ParamName);
    }
}

using PeerSync.Remote.Addressing;
using PeerSync.Remote.Links;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// What a link keeps across restarts of its actor: the last wake it handled (its stop reports carry
/// it), the peer's latest address (a restarted link dials it), whether it is dormant (a link
/// restarted while dormant stays dormant), and why it was stopping (a restarted link finishes the stop).
/// </summary>
public sealed class LinkMemoryTests
{
    private static readonly NodeId B = NodeId.Parse("b");
    private static readonly EndpointAddress First = new("127.0.0.1", 4053);
    private static readonly EndpointAddress Second = new("127.0.0.1", 4054);
    private static readonly UniqueNode B1 = new(B, new Incarnation(1));

    private static PeerLinkMachine Machine(EndpointAddress? address) =>
        new(PeerLinkConfig.Default, NodeId.Parse("a"), B, 42, address, nowMs: 0);

    [Fact]
    public void LinkMemory_starts_running_with_the_creation_address_and_no_wake()
    {
        var memory = new LinkMemory(First);

        Assert.Equal(First, memory.Address);
        Assert.Equal(WakeSeq.None, memory.LatestWake);
        Assert.False(memory.IsDormant);
    }

    [Fact]
    public void Handled_keeps_the_latest_wake_handled()
    {
        var memory = new LinkMemory(null);

        memory.Handled(new WakeSeq(1));
        memory.Handled(new WakeSeq(1));
        memory.Handled(new WakeSeq(3));

        Assert.Equal(new WakeSeq(3), memory.LatestWake);
    }

    [Fact]
    public void Handled_throws_when_a_wake_comes_after_a_later_one()
    {
        var memory = new LinkMemory(null);
        memory.Handled(new WakeSeq(2));

        var error = Assert.Throws<InvalidOperationException>(() => memory.Handled(new WakeSeq(1)));

        Assert.Equal("invariant violated: wake 1 handled after wake 2; the links actor numbers wakes in order", error.Message);
        Assert.Equal(new WakeSeq(2), memory.LatestWake);
    }

    [Fact]
    public void Failed_keeps_an_address_the_machine_learned_after_creation()
    {
        // A link created from the peer's dial-in has no address until the handshake gives one.
        var memory = new LinkMemory(null);
        var machine = Machine(null);
        machine.SessionEstablished(new LinkSession(1, B1, First, DialedBySelf: false, EstablishedAtMs: 0), 0);

        memory.Failed(machine);

        Assert.Equal(First, memory.Address);
    }

    [Fact]
    public void Failed_replaces_the_address_with_the_machines_latest_one()
    {
        var memory = new LinkMemory(First);
        var machine = Machine(First);
        machine.Connect(Second, 0);

        memory.Failed(machine);

        Assert.Equal(Second, memory.Address);
    }

    [Fact]
    public void Failed_keeps_the_previous_address_when_the_machine_knows_none()
    {
        var memory = new LinkMemory(First);

        memory.Failed(Machine(null));

        Assert.Equal(First, memory.Address);
    }

    [Fact]
    public void Failed_keeps_the_stop_reason_when_the_machine_was_disconnecting()
    {
        var memory = new LinkMemory(First);
        var machine = Machine(First);
        machine.DialSucceeded(1, new LinkSession(1, B1, First, DialedBySelf: true, EstablishedAtMs: 0), 0);
        machine.Disconnect("node left", 5);

        memory.Failed(machine);

        Assert.Equal("node left", memory.StopReason);
        Assert.False(memory.IsDormant);
    }

    [Fact]
    public void Failed_clears_the_stop_reason_when_the_machine_was_running()
    {
        var memory = new LinkMemory(First);
        var stopping = Machine(First);
        stopping.Disconnect("node left", 5);
        memory.Failed(stopping);

        memory.Failed(Machine(First));

        Assert.Null(memory.StopReason);
    }

    [Fact]
    public void Failed_keeps_no_stop_reason_when_the_link_is_dormant()
    {
        // A dormant link's machine is the one that stopped: its stop is over, not under way.
        var memory = new LinkMemory(First);
        var machine = Machine(First);
        machine.Disconnect("node left", 5);
        memory.Stopped(B, null);

        memory.Failed(machine);

        Assert.True(memory.IsDormant);
        Assert.Null(memory.StopReason);
    }

    [Fact]
    public void Failed_changes_nothing_when_the_instance_had_no_machine()
    {
        // A link restarted dormant has no machine until a wake: failing again keeps it dormant.
        var memory = new LinkMemory(First);
        memory.Handled(new WakeSeq(1));
        memory.Stopped(B, null);

        memory.Failed(null);

        Assert.True(memory.IsDormant);
        Assert.Equal(First, memory.Address);
        Assert.Null(memory.StopReason);
    }

    [Fact]
    public void Stopped_clears_the_stop_reason()
    {
        var memory = new LinkMemory(First);
        var machine = Machine(First);
        machine.Disconnect("node left", 5);
        memory.Failed(machine);

        memory.Stopped(B, null);

        Assert.Null(memory.StopReason);
    }

    [Fact]
    public void Stopped_reports_the_latest_wake_and_counts_the_link_dormant()
    {
        var memory = new LinkMemory(First);
        memory.Handled(new WakeSeq(2));

        var report = memory.Stopped(B, null);

        Assert.Equal(new LinkStopped(B, new WakeSeq(2)), report);
        Assert.True(memory.IsDormant);
    }

    [Fact]
    public void Stopped_keeps_the_address_the_stopped_machine_knew()
    {
        // A link created from a dial-in learned the address from the handshake: when a later dial-in
        // wakes it, the new machine can redial that address should the session be refused or lost.
        var memory = new LinkMemory(null);

        memory.Stopped(B, First);

        Assert.Equal(First, memory.Address);
    }

    [Fact]
    public void Stopped_keeps_the_previous_address_when_the_machine_knew_none()
    {
        var memory = new LinkMemory(First);

        memory.Stopped(B, null);

        Assert.Equal(First, memory.Address);
    }

    [Fact]
    public void Stopped_reports_no_wake_when_the_link_was_never_woken()
    {
        var memory = new LinkMemory(null);

        Assert.Equal(new LinkStopped(B, WakeSeq.None), memory.Stopped(B, null));
    }

    [Fact]
    public void Handled_wakes_a_dormant_link()
    {
        // A wake handled after the stop: a crash from then on restarts the link running, as the links
        // actor counts it until a report carries that wake.
        var memory = new LinkMemory(First);
        memory.Handled(new WakeSeq(1));
        memory.Stopped(B, null);

        memory.Handled(new WakeSeq(2));

        Assert.False(memory.IsDormant);
        Assert.Equal(new LinkStopped(B, new WakeSeq(2)), memory.Stopped(B, null));
    }

    [Fact]
    public void Handled_leaves_a_dormant_link_dormant_when_the_wake_is_out_of_order()
    {
        // The invariant check fails before anything changes: an out-of-order wake wakes nothing.
        var memory = new LinkMemory(First);
        memory.Handled(new WakeSeq(2));
        memory.Stopped(B, null);

        Assert.Throws<InvalidOperationException>(() => memory.Handled(new WakeSeq(1)));

        Assert.True(memory.IsDormant);
        Assert.Equal(new WakeSeq(2), memory.LatestWake);
    }

    [Fact]
    public void NextSessionId_numbers_the_links_sessions_from_one_without_repeating_one()
    {
        // One memory serves every instance of the link's actor: a restarted instance goes on counting,
        // so a late end report of the failed instance's session never names one of the new instance.
        var memory = new LinkMemory(First);

        var ids = Enumerable.Range(0, 3).Select(_ => memory.NextSessionId()).ToArray();

        Assert.Equal([1L, 2L, 3L], ids);
    }

    [Fact]
    public void Dialing_keeps_the_links_last_dial_attempt()
    {
        // One memory serves every machine of the link: each numbers its dials after this one.
        var memory = new LinkMemory(First);
        Assert.Equal(0, memory.LastDialAttempt);

        memory.Dialing(1);
        memory.Dialing(2);
        memory.Dialing(5);

        Assert.Equal(5, memory.LastDialAttempt);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void Dialing_throws_when_a_dial_is_not_numbered_after_the_last_one(long attempt)
    {
        var memory = new LinkMemory(First);
        memory.Dialing(2);

        var error = Assert.Throws<InvalidOperationException>(() => memory.Dialing(attempt));

        Assert.Equal($"invariant violated: dial attempt {attempt} started after dial attempt 2; a link's machines number their dials after the last one it started", error.Message);
        Assert.Equal(2, memory.LastDialAttempt);
    }
}

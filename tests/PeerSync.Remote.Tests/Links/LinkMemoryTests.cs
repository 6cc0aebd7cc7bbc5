using PeerSync.Remote.Addressing;
using PeerSync.Remote.Links;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// What a link keeps across restarts of its actor: the last wake it handled (its stop reports carry
/// it), the peer's latest address (a restarted link dials it), and whether it is dormant (a link
/// restarted while dormant stays dormant).
/// </summary>
public sealed class LinkMemoryTests
{
    private static readonly NodeId B = NodeId.Parse("b");
    private static readonly EndpointAddress First = new("127.0.0.1", 4053);
    private static readonly EndpointAddress Second = new("127.0.0.1", 4054);

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
    public void Remember_keeps_an_address_learned_after_creation_when_the_link_had_none()
    {
        // A link created from the peer's dial-in has no address until the handshake gives one.
        var memory = new LinkMemory(null);

        memory.Remember(First);

        Assert.Equal(First, memory.Address);
    }

    [Fact]
    public void Remember_replaces_the_address_with_the_latest_one()
    {
        var memory = new LinkMemory(First);

        memory.Remember(Second);

        Assert.Equal(Second, memory.Address);
    }

    [Fact]
    public void Remember_keeps_the_previous_address_when_given_none()
    {
        var memory = new LinkMemory(First);

        memory.Remember(null);

        Assert.Equal(First, memory.Address);
    }

    [Fact]
    public void Stopped_reports_the_latest_wake_and_counts_the_link_dormant()
    {
        var memory = new LinkMemory(First);
        memory.Handled(new WakeSeq(2));

        var report = memory.Stopped(B);

        Assert.Equal(new LinkStopped(B, new WakeSeq(2)), report);
        Assert.True(memory.IsDormant);
    }

    [Fact]
    public void Stopped_reports_no_wake_when_the_link_was_never_woken()
    {
        var memory = new LinkMemory(null);

        Assert.Equal(new LinkStopped(B, WakeSeq.None), memory.Stopped(B));
    }

    [Fact]
    public void Handled_wakes_a_dormant_link()
    {
        // A wake handled after the stop: a crash from then on restarts the link running, as the links
        // actor counts it until a report carries that wake.
        var memory = new LinkMemory(First);
        memory.Handled(new WakeSeq(1));
        memory.Stopped(B);

        memory.Handled(new WakeSeq(2));

        Assert.False(memory.IsDormant);
        Assert.Equal(new LinkStopped(B, new WakeSeq(2)), memory.Stopped(B));
    }

    [Fact]
    public void Handled_leaves_a_dormant_link_dormant_when_the_wake_is_out_of_order()
    {
        // The invariant check fails before anything changes: an out-of-order wake wakes nothing.
        var memory = new LinkMemory(First);
        memory.Handled(new WakeSeq(2));
        memory.Stopped(B);

        Assert.Throws<InvalidOperationException>(() => memory.Handled(new WakeSeq(1)));

        Assert.True(memory.IsDormant);
        Assert.Equal(new WakeSeq(2), memory.LatestWake);
    }
}

using PeerSync.Remote.Links;

namespace PeerSync.Remote.Tests.Links;

/// <summary>The last wake a link handled, which its stop reports carry to the links actor.</summary>
public sealed class HandledWakesTests
{
    [Fact]
    public void HandledWakes_keeps_the_latest_wake_handled()
    {
        var wakes = new HandledWakes();

        wakes.Handled(new WakeSeq(1));
        wakes.Handled(new WakeSeq(1));
        wakes.Handled(new WakeSeq(3));

        Assert.Equal(new WakeSeq(3), wakes.Latest);
    }

    [Fact]
    public void HandledWakes_throws_when_a_wake_comes_after_a_later_one()
    {
        var wakes = new HandledWakes();
        wakes.Handled(new WakeSeq(2));

        var error = Assert.Throws<InvalidOperationException>(() => wakes.Handled(new WakeSeq(1)));

        Assert.Equal("invariant violated: wake 1 handled after wake 2; the links actor numbers wakes in order", error.Message);
        Assert.Equal(new WakeSeq(2), wakes.Latest);
    }
}

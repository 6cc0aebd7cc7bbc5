using PeerSync.Remote.Endpoints;

namespace PeerSync.Remote.Tests.Endpoints;

/// <summary>The unacknowledged entries: an acknowledgement takes a prefix off in one move, also across the ring's wrap-around.</summary>
public sealed class EnvelopeRingTests
{
    private static OutboundEnvelope Numbered(ulong sequence) => new() { Sequence = sequence };

    [Fact]
    public void EnvelopeRing_removes_a_prefix_in_order_when_it_wraps_around_the_array()
    {
        var ring = new EnvelopeRing();
        ulong next = 1;
        ulong expected = 1;
        var into = new OutboundEnvelope?[300];
        // 256 slots to start with: adding 200 and taking 150 a few times walks the head around.
        for (var round = 0; round < 6; round++)
        {
            for (var i = 0; i < 200; i++)
            {
                ring.Add(Numbered(next++));
            }

            var take = Math.Min(150 + round, ring.Count);
            ring.RemoveFirst(take, into);
            for (var i = 0; i < take; i++)
            {
                Assert.Equal(expected++, into[i]!.Sequence);
            }

            Assert.Equal((int)(next - expected), ring.Count);
            Assert.Equal(expected, ring[0].Sequence);
        }
    }

    [Fact]
    public void EnvelopeRing_refuses_to_remove_more_than_it_holds()
    {
        var ring = new EnvelopeRing();
        ring.Add(Numbered(1));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ring.RemoveFirst(2, new OutboundEnvelope?[4]));
        Assert.Contains("only 1 entries are held", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, ring.Count);
    }
}

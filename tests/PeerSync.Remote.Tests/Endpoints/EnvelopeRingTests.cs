using PeerSync.Remote.Endpoints;

namespace PeerSync.Remote.Tests.Endpoints;

/// <summary>
/// The unacknowledged entries: the envelopes as they were sent; an acknowledgement takes a prefix
/// off in one move, also across the ring's wrap-around and after the ring grew, and counts the
/// bytes it releases.
/// </summary>
public sealed class EnvelopeRingTests
{
    private static OutboundEnvelope Numbered(ulong sequence, int sizeBound = 10)
    {
        var envelope = OutboundEnvelope.Create(null!, null, $"m{sequence}", 3, "manifest", [1, 2], isSystem: false, sizeBound);
        envelope.Sequence = sequence;
        return envelope;
    }

    [Fact]
    public void EnvelopeRing_gives_back_the_envelope_as_it_was_added()
    {
        var ring = new EnvelopeRing();
        ring.Add(Numbered(5, sizeBound: 40));

        ref readonly var entry = ref ring[0];
        Assert.Equal(5UL, entry.Sequence);
        Assert.Equal("m5", entry.Message);
        Assert.Equal("manifest", entry.Manifest);
        Assert.Equal(3, entry.SerializerId);
        Assert.Equal(40, entry.SizeBound);
        Assert.Equal([1, 2], entry.Payload);

        var again = ring.RemoveFirst();
        Assert.Equal("m5", again.Message);
        Assert.Equal(5UL, again.Sequence);
        Assert.Equal(0, ring.Count);
    }

    [Fact]
    public void EnvelopeRing_removes_a_prefix_in_order_when_it_wraps_around_and_grows()
    {
        var ring = new EnvelopeRing();
        ulong next = 1;
        ulong expected = 1;
        // 256 slots to start with: adding 200 and taking fewer each round walks the head around
        // the array and makes it grow while wrapped.
        for (var round = 0; round < 8; round++)
        {
            for (var i = 0; i < 200; i++)
            {
                ring.Add(Numbered(next, sizeBound: (int)(next % 7) + 1));
                next++;
            }

            var take = 150 - (round * 10);
            long expectedBytes = 0;
            for (var s = expected; s < expected + (ulong)take; s++)
            {
                expectedBytes += (long)(s % 7) + 1;
            }

            Assert.Equal(expectedBytes, ring.RemoveFirst(take));
            expected += (ulong)take;
            Assert.Equal((int)(next - expected), ring.Count);
            for (var i = 0; i < ring.Count; i++)
            {
                Assert.Equal(expected + (ulong)i, ring[i].Sequence);
            }
        }
    }

    [Fact]
    public void EnvelopeRing_refuses_to_remove_more_than_it_holds()
    {
        var ring = new EnvelopeRing();
        ring.Add(Numbered(1));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ring.RemoveFirst(2));
        Assert.Contains("only 1 entries are held", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, ring.Count);
    }
}

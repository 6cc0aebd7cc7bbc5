using PeerSync.Sync.Clock;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Peers;

public sealed class PruningCalculatorTests
{
    private static readonly OriginId A = Origin("a", 0xA);
    private static readonly OriginId B = Origin("b", 0xB);
    private static readonly OriginId Cn = Origin("c", 0xC);
    private static readonly OriginId Gone = Origin("x", 0xF);

    [Fact]
    public void Log_prunes_each_origin_to_the_least_acknowledgement_of_the_live_peers()
    {
        var applied = Watermarks.Empty.With(A, H(100)).With(B, H(80));
        var plan = PruningCalculator.Plan(A, applied, [
            new PeerAcknowledgement(B.Node, B.Epoch, Watermarks.Empty.With(A, H(90)).With(B, H(80))),
            new PeerAcknowledgement(Cn.Node, Cn.Epoch, Watermarks.Empty.With(A, H(70)).With(B, H(80))),
        ], [], 0, 0);
        Assert.Equal(H(70), plan.LogThrough[A]);
        Assert.Equal(H(80), plan.LogThrough[B]);
    }

    [Fact]
    public void A_member_that_never_acknowledged_holds_pruning_back()
    {
        var applied = Watermarks.Empty.With(A, H(100));
        var plan = PruningCalculator.Plan(A, applied, [new PeerAcknowledgement(B.Node, null, Watermarks.Empty)], [], 0, 0);
        Assert.Equal(Hlc.Zero, plan.LogThrough[A]);
        Assert.Equal(Hlc.Zero, plan.TombstonesThrough);
    }

    [Fact]
    public void With_no_live_peer_everything_applied_may_go()
    {
        var plan = PruningCalculator.Plan(A, Watermarks.Empty.With(A, H(100)), [], [], 0, 0);
        Assert.Equal(H(100), plan.LogThrough[A]);
        Assert.Equal(H(100), plan.TombstonesThrough);
    }

    [Fact]
    public void Tombstones_are_stable_below_what_every_live_member_applied_of_every_live_origin()
    {
        var applied = Watermarks.Empty.With(A, H(100)).With(B, H(90));
        var stable = PruningCalculator.StableHlc(A, applied, [
            new PeerAcknowledgement(B.Node, B.Epoch, Watermarks.Empty.With(A, H(95)).With(B, H(90))),
        ], [], 0, 0);
        Assert.Equal(H(90), stable);
    }

    [Fact]
    public void A_retired_origin_counts_only_while_live_members_disagree_on_it()
    {
        var applied = Watermarks.Empty.With(A, H(100)).With(B, H(100)).With(Gone, H(20));
        var agreeing = new PeerAcknowledgement(B.Node, B.Epoch, Watermarks.Empty.With(A, H(100)).With(B, H(100)).With(Gone, H(20)));
        Assert.Equal(H(100), PruningCalculator.StableHlc(A, applied, [agreeing], [], nowMs: 1020, retiredOriginRetentionMs: 1000));
        var behind = agreeing with { Acknowledged = agreeing.Acknowledged.With(Gone, H(10)) };
        Assert.Equal(H(10), PruningCalculator.StableHlc(A, applied, [behind], [], nowMs: 1020, retiredOriginRetentionMs: 1000));
    }

    [Fact]
    public void An_origin_of_no_known_member_holds_tombstones_back_for_the_retention_after_its_last_position()
    {
        // Swarm seed 246: a member removed just before this node joined is no member here, yet it
        // may come back within seconds with writes that never left it.
        var applied = Watermarks.Empty.With(A, H(100)).With(B, H(100)).With(Gone, H(20));
        var agreeing = new PeerAcknowledgement(B.Node, B.Epoch, Watermarks.Empty.With(A, H(100)).With(B, H(100)).With(Gone, H(20)));
        Assert.Equal(H(20), PruningCalculator.StableHlc(A, applied, [agreeing], [], nowMs: 1019, retiredOriginRetentionMs: 1000));
        Assert.Equal(H(100), PruningCalculator.StableHlc(A, applied, [agreeing], [], nowMs: 1020, retiredOriginRetentionMs: 1000));
    }

    [Fact]
    public void An_old_origin_of_a_live_member_does_not_hold_tombstones_back_when_every_member_agrees_on_it()
    {
        // A member that was wiped has a new epoch: its old stream cannot grow any more.
        var oldB = Origin("b", 0xB0);
        var applied = Watermarks.Empty.With(A, H(100)).With(B, H(100)).With(oldB, H(20));
        var agreeing = new PeerAcknowledgement(B.Node, B.Epoch, Watermarks.Empty.With(A, H(100)).With(B, H(100)).With(oldB, H(20)));
        Assert.Equal(H(100), PruningCalculator.StableHlc(A, applied, [agreeing], [], nowMs: 50, retiredOriginRetentionMs: 1000));
    }

    [Fact]
    public void A_removed_member_whose_epoch_was_never_learned_holds_every_tombstone_back_for_the_retention()
    {
        // Swarm seed 135: this node joined while the member was unreachable, so it never said hello
        // here; the origin it may come back with cannot be named.
        var applied = Watermarks.Empty.With(A, H(100)).With(B, H(100)).With(Gone, H(20));
        var agreeing = new PeerAcknowledgement(B.Node, B.Epoch, Watermarks.Empty.With(A, H(100)).With(B, H(100)).With(Gone, H(20)));
        var removed = new RetiredPeer(Gone.Node, Epoch: null, RetiredAtMs: 1000);
        Assert.Equal(Hlc.Zero, PruningCalculator.StableHlc(A, applied, [agreeing], [removed], nowMs: 1999, retiredOriginRetentionMs: 1000));
        Assert.Equal(H(100), PruningCalculator.StableHlc(A, applied, [agreeing], [removed], nowMs: 2000, retiredOriginRetentionMs: 1000));
    }

    [Fact]
    public void A_removed_members_origin_holds_tombstones_back_for_the_retention()
    {
        // It may come back with writes that never left it: deletes newer than its last known
        // position must keep their tombstones until the retention has passed.
        var applied = Watermarks.Empty.With(A, H(100)).With(B, H(100)).With(Gone, H(20));
        var agreeing = new PeerAcknowledgement(B.Node, B.Epoch, Watermarks.Empty.With(A, H(100)).With(B, H(100)).With(Gone, H(20)));
        var removed = new RetiredPeer(Gone.Node, Gone.Epoch, RetiredAtMs: 1000);
        Assert.Equal(H(20), PruningCalculator.StableHlc(A, applied, [agreeing], [removed], nowMs: 1999, retiredOriginRetentionMs: 1000));
        Assert.Equal(H(100), PruningCalculator.StableHlc(A, applied, [agreeing], [removed], nowMs: 2000, retiredOriginRetentionMs: 1000));
    }
}

using PeerSync.Remote.Addressing;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Backfill;

public sealed class BackfillMachineTests
{
    private static readonly OriginId Self = Origin("n4", 0x4);
    private static readonly OriginId O1 = Origin("n1", 0x1);
    private static readonly OriginId O2 = Origin("n2", 0x2);
    private static readonly NodeId N1 = Node("n1");
    private static readonly NodeId N2 = Node("n2");
    private static readonly BackfillConfig Config = new(PageSize: 2, BufferMaxChanges: 3, PageTimeoutMs: 1000, MaxPageRetries: 1, SettleMs: 500, CatchUpTimeoutMs: 10_000);

    private static SyncProgress Progress(Watermarks? applied = null, BackfillCheckpoint? checkpoint = null, bool hasData = false) =>
        new(Self.Epoch, Self, applied ?? Watermarks.Empty, Watermarks.Empty, Hlc.Zero, checkpoint, hasData);

    private static PeerWatermarksObserved Seen(NodeId peer, Watermarks applied, Watermarks? floors = null, bool backfilling = false) =>
        new(peer, applied, floors ?? Watermarks.Empty, backfilling);

    private static T Single<T>(BackfillReady ready) => Assert.Single(ready.Commands.OfType<T>());

    [Fact]
    public void An_empty_node_with_no_peer_data_becomes_ready_after_the_settle_time()
    {
        var machine = new BackfillMachine(Config, Progress(), 0);
        Assert.Equal(BackfillPhase.Uninitialized, machine.Phase);
        machine.Step(Seen(N1, Watermarks.Empty), 100);
        machine.Step(new BackfillTick(), 499);
        Assert.False(machine.IsReady);
        machine.Step(new BackfillTick(), 500);
        Assert.True(machine.IsReady);
        Assert.True(machine.MaySeal);
    }

    [Fact]
    public void An_empty_node_backfills_from_the_leader_when_it_has_data()
    {
        var machine = new BackfillMachine(Config, Progress(), 0);
        machine.Step(new BackfillLeaderChanged(N2), 0);
        machine.Step(Seen(N1, Watermarks.Empty.With(O1, H(90)).With(O2, H(90))), 1);
        var ready = machine.TakeReady();
        Assert.Equal(BackfillPhase.Backfilling, machine.Phase);
        Assert.Equal(N1, Single<RequestPage>(ready).Source);
        Assert.Contains(ready.Commands, c => c is ResyncPeers { Backfilling: true });
        Assert.False(machine.MaySeal);

        var leaderMachine = new BackfillMachine(Config, Progress(), 0);
        leaderMachine.Step(new BackfillLeaderChanged(N2), 0);
        leaderMachine.Step(Seen(N1, Watermarks.Empty.With(O1, H(90))), 1);
        leaderMachine.TakeReady();
        Assert.Equal(N1, leaderMachine.Source);
    }

    [Fact]
    public void Without_a_leader_the_most_up_to_date_reachable_peer_is_the_source()
    {
        var machine = new BackfillMachine(Config, Progress(), 0);
        machine.Step(new BackfillPeerAvailable(N1), 0);
        machine.Step(new BackfillPeerAvailable(N2), 0);
        machine.Step(new BackfillLeaderChanged(N2), 0);
        machine.Step(Seen(N2, Watermarks.Empty.With(O1, H(50)), backfilling: true), 0);
        machine.Step(Seen(N1, Watermarks.Empty.With(O1, H(60))), 0);
        Assert.Equal(N1, machine.Source);
    }

    [Fact]
    public void Pages_are_applied_with_a_checkpoint_and_the_coverage_is_the_minimum_of_the_pages()
    {
        var machine = new BackfillMachine(Config, Progress(), 0);
        machine.Step(Seen(N1, Watermarks.Empty.With(O1, H(90))), 0);
        var request = Single<RequestPage>(machine.TakeReady());
        Assert.Null(request.After);

        var page1 = new SnapshotPage(Watermarks.Empty.With(O1, H(90)), null, [Shared("tags", "a", "1", O1, H(10)), Shared("tags", "b", "1", O1, H(11))], IsLast: false);
        machine.Step(new PageArrived(N1, request.RequestId, page1), 10);
        var apply = Single<ApplyPage>(machine.TakeReady());
        Assert.Equal(new BackfillCheckpoint(N1, page1.Last, page1.Applied, 1), apply.Checkpoint);
        machine.Step(new PageApplied(request.RequestId), 11);
        var next = Single<RequestPage>(machine.TakeReady());
        Assert.Equal(page1.Last, next.After);

        var page2 = new SnapshotPage(Watermarks.Empty.With(O1, H(95)).With(O2, H(5)), page1.Last, [], IsLast: true);
        machine.Step(new PageArrived(N1, next.RequestId, page2), 12);
        Assert.Equal(page1.Applied, Single<ApplyPage>(machine.TakeReady()).Checkpoint.Coverage);
        machine.Step(new PageApplied(next.RequestId), 13);
        var complete = Single<CompleteSnapshot>(machine.TakeReady());
        Assert.Equal(Watermarks.Empty.With(O1, H(90)), complete.Coverage);

        machine.Step(new SnapshotCompleted(complete.Coverage), 14);
        var done = machine.TakeReady();
        Assert.Contains(done.Commands, c => c is ResyncPeers { Backfilling: false });
        Assert.Contains(done.Notices, n => n is BackfillPhaseChanged { To: BackfillPhase.CatchingUp });

        // It already has what its peer had: ready at once.
        Assert.Equal(BackfillPhase.Ready, machine.Phase);
        Assert.Equal(2, machine.PagesApplied);
    }

    [Fact]
    public void Live_batches_are_buffered_while_backfilling_and_applied_after_the_snapshot()
    {
        var machine = new BackfillMachine(Config, Progress(), 0);
        machine.Step(Seen(N1, Watermarks.Empty.With(O1, H(90))), 0);
        var request = Single<RequestPage>(machine.TakeReady());
        var live = new ChangeRange(O1, H(90), H(91), [Shared("tags", "z", "1", O1, H(91))]);
        machine.Step(new LiveBatchArrived(N1, 5, live), 1);
        Assert.Equal(5, Single<AcknowledgeBuffered>(machine.TakeReady()).BatchId);
        Assert.Equal(1, machine.BufferedChanges);

        machine.Step(new PageArrived(N1, request.RequestId, new SnapshotPage(Watermarks.Empty.With(O1, H(90)), null, [], true)), 2);
        machine.Step(new PageApplied(request.RequestId), 3);
        machine.Step(new SnapshotCompleted(Watermarks.Empty.With(O1, H(90))), 4);
        var buffered = Single<ApplyBuffered>(machine.TakeReady());
        Assert.Same(live, Assert.Single(buffered.Batches).Range);

        machine.Step(new LiveBatchArrived(N1, 6, live), 5);
        Assert.IsType<ApplyNow>(Assert.Single(machine.TakeReady().Commands));
    }

    [Fact]
    public void A_buffer_overflow_drops_the_buffer_counts_it_and_leaves_the_changes_to_the_catch_up()
    {
        var machine = new BackfillMachine(Config, Progress(), 0);
        machine.Step(Seen(N1, Watermarks.Empty.With(O1, H(90))), 0);
        var request = Single<RequestPage>(machine.TakeReady());
        var two = new ChangeRange(O1, H(90), H(92), [Shared("tags", "y", "1", O1, H(91)), Shared("tags", "z", "1", O1, H(92))]);
        machine.Step(new LiveBatchArrived(N1, 1, two), 1);
        machine.Step(new LiveBatchArrived(N1, 2, two with { FromExclusive = H(92), ThroughInclusive = H(94), Changes = [Shared("tags", "y", "2", O1, H(93)), Shared("tags", "z", "2", O1, H(94))] }), 2);
        var ready = machine.TakeReady();
        Assert.Equal(4, Assert.IsType<BackfillBufferOverflowed>(Assert.Single(ready.Notices)).DroppedChanges);
        Assert.Equal(2, ready.Commands.OfType<AcknowledgeBuffered>().Count());
        Assert.Equal(0, machine.BufferedChanges);

        machine.Step(new PageArrived(N1, request.RequestId, new SnapshotPage(Watermarks.Empty.With(O1, H(90)), null, [], true)), 3);
        machine.Step(new PageApplied(request.RequestId), 4);
        machine.Step(new SnapshotCompleted(Watermarks.Empty.With(O1, H(90))), 5);
        var after = machine.TakeReady();
        Assert.DoesNotContain(after.Commands, c => c is ApplyBuffered);
        Assert.Contains(after.Commands, c => c is ResyncPeers { Backfilling: false });
    }

    [Fact]
    public void An_unanswered_page_is_retried_then_asked_of_another_source_from_the_same_cursor()
    {
        var machine = new BackfillMachine(Config, Progress(), 0);
        machine.Step(Seen(N1, Watermarks.Empty.With(O1, H(90))), 0);
        machine.Step(Seen(N2, Watermarks.Empty.With(O1, H(80))), 0);
        var first = Single<RequestPage>(machine.TakeReady());
        Assert.Equal(N1, first.Source);
        machine.Step(new BackfillTick(), 1000);
        var ready = machine.TakeReady();
        Assert.Equal(N1, Single<RequestPage>(ready).Source);
        Assert.Contains(ready.Notices, n => n is BackfillPageRetried);
        machine.Step(new BackfillTick(), 2000);
        var moved = Single<RequestPage>(machine.TakeReady());
        Assert.Equal(N2, moved.Source);
        Assert.Null(moved.After);
    }

    [Fact]
    public void A_crash_resumes_after_the_last_checkpointed_page_preferring_the_same_source()
    {
        var after = new RecordCursor(C("tags"), K("m"));
        var checkpoint = new BackfillCheckpoint(N2, after, Watermarks.Empty.With(O1, H(70)), 40);
        var machine = new BackfillMachine(Config, Progress(checkpoint: checkpoint), 0);
        Assert.Equal(BackfillPhase.Backfilling, machine.Phase);
        Assert.Equal(40, machine.PagesApplied);
        machine.Step(new BackfillPeerUnavailable(N1), 1);
        machine.Step(Seen(N2, Watermarks.Empty.With(O1, H(80))), 2);
        var ready = machine.TakeReady();
        var request = ready.Commands.OfType<RequestPage>().Last();
        Assert.Equal(after, request.After);
    }

    [Fact]
    public void A_node_with_data_catches_up_to_what_its_peers_had_then_is_ready()
    {
        var machine = new BackfillMachine(Config, Progress(Watermarks.Empty.With(O1, H(10)), hasData: true), 0);
        Assert.Equal(BackfillPhase.CatchingUp, machine.Phase);
        machine.Step(Seen(N1, Watermarks.Empty.With(O1, H(50)).With(Self, H(99))), 1);
        machine.Step(new BackfillTick(), 600);
        Assert.False(machine.IsReady);
        machine.Step(new LocalAppliedChanged(Watermarks.Empty.With(O1, H(50))), 700);
        Assert.True(machine.IsReady);
    }

    [Fact]
    public void A_ready_node_behind_every_peers_log_goes_back_to_backfilling()
    {
        var machine = new BackfillMachine(Config, Progress(Watermarks.Empty.With(O1, H(10)), hasData: true), 0);
        machine.Step(new BackfillTick(), 600);
        Assert.True(machine.IsReady);
        machine.Step(Seen(N1, Watermarks.Empty.With(O1, H(50)), floors: Watermarks.Empty.With(O1, H(40))), 700);
        Assert.Equal(BackfillPhase.Backfilling, machine.Phase);
        Assert.Contains(machine.TakeReady().Notices, n => n is BackfillPhaseChanged { To: BackfillPhase.Backfilling } p && p.Reason.Contains("behind the logs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_peer_that_can_still_serve_the_stream_avoids_a_snapshot()
    {
        var machine = new BackfillMachine(Config, Progress(Watermarks.Empty.With(O1, H(10)), hasData: true), 0);
        machine.Step(new BackfillPeerAvailable(N1), 0);
        machine.Step(new BackfillPeerAvailable(N2), 0);
        machine.Step(Seen(N1, Watermarks.Empty.With(O1, H(50)), floors: Watermarks.Empty.With(O1, H(40))), 1);
        Assert.Equal(BackfillPhase.CatchingUp, machine.Phase);
        machine.Step(Seen(N2, Watermarks.Empty.With(O1, H(45)), floors: Watermarks.Empty.With(O1, H(5))), 1);
        Assert.Equal(BackfillPhase.CatchingUp, machine.Phase);
    }
}

using PeerSync.Sync.Batching;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using static PeerSync.Sync.Tests.Support.Ids;
using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Tests.Peers;

public sealed class PeerSyncMachineTests
{
    internal static readonly OriginId A = Origin("a", 0xA);
    internal static readonly OriginId B = Origin("b", 0xB);
    internal static readonly OriginId Cn = Origin("c", 0xC);
    internal static readonly SyncSessionId S1 = new(1);
    internal static readonly PeerSyncConfig Config = new(
        SendTimeoutMs: 1000, RetryBackoffMinMs: 100, RetryBackoffMaxMs: 1600, MaxRetries: 3, MaxInFlightBatches: 2,
        MaxBatch: 10, ForwardDelayMs: 500, WatermarkReportIntervalMs: 200, CatalogFingerprint: 42);

    internal static LocalSyncState Local(Watermarks applied, Watermarks? floors = null) =>
        new(A.Epoch, A, applied, floors ?? Watermarks.Empty, Backfilling: false);

    internal static SyncHello Hello(Watermarks applied, ulong epoch = 0xB, bool backfilling = false, Watermarks? floors = null, bool reply = false) =>
        new(new DataEpoch(epoch), applied, floors ?? Watermarks.Empty, backfilling, 42, reply);

    /// <summary>A machine of a towards b, connected and past the handshake.</summary>
    internal static PeerSyncMachine Active(Watermarks localApplied, Watermarks peerApplied, long nowMs = 0, Watermarks? floors = null)
    {
        var machine = new PeerSyncMachine(Config, A.Node, B.Node, seed: 7);
        machine.Step(new PeerConnected(S1, Local(localApplied, floors)), nowMs);
        Assert.IsType<SendHello>(Assert.Single(machine.TakeReady().Messages));
        machine.Step(new HelloReceived(S1, Hello(peerApplied)), nowMs);
        return machine;
    }

    [Fact]
    public void Connect_sends_a_hello_and_the_peers_hello_activates_and_records_its_epoch()
    {
        var machine = new PeerSyncMachine(Config, A.Node, B.Node, 1);
        machine.Step(new PeerConnected(S1, Local(Watermarks.Empty.With(A, H(5)))), 0);
        var ready = machine.TakeReady();
        var hello = Assert.IsType<SendHello>(Assert.Single(ready.Messages));
        Assert.Equal(H(5), hello.Hello.Applied[A]);
        Assert.Equal(PeerPhase.AwaitingHello, machine.Phase);

        machine.Step(new HelloReceived(S1, Hello(Watermarks.Empty.With(B, H(3)).With(A, H(2)))), 0);
        ready = machine.TakeReady();
        Assert.Equal(PeerPhase.Active, machine.Phase);
        Assert.Contains(ready.Events, e => e is PeerEpochObserved { Epoch.Value: 0xB });
        Assert.Contains(ready.Events, e => e is AcknowledgementsAdvanced);
        Assert.Equal(H(2), machine.Acknowledged[A]);
        var prepare = Assert.IsType<PrepareBatch>(Assert.Single(ready.Messages));
        Assert.Equal((A, H(2), H(5), 10), (prepare.Origin, prepare.FromExclusive, prepare.ThroughInclusive, prepare.MaxChanges));
    }

    [Fact]
    public void Hello_of_a_stale_session_is_ignored()
    {
        var machine = new PeerSyncMachine(Config, A.Node, B.Node, 1);
        machine.Step(new PeerConnected(S1, Local(Watermarks.Empty)), 0);
        machine.Step(new PeerConnected(new SyncSessionId(2), Local(Watermarks.Empty)), 0);
        machine.TakeReady();
        machine.Step(new HelloReceived(S1, Hello(Watermarks.Empty)), 0);
        Assert.Equal(PeerPhase.AwaitingHello, machine.Phase);
    }

    [Fact]
    public void A_live_batch_goes_out_as_is_when_it_continues_what_the_peer_has()
    {
        var machine = Active(Watermarks.Empty.With(A, H(10)), Watermarks.Empty.With(A, H(10)));
        machine.TakeReady();
        var range = new ChangeRange(A, H(10), H(20), [Shared("tags", "k", "1", A, H(20))]);
        machine.Step(new LocalBatchReady(new OutboundBatch(1, range)), 5);
        var send = Assert.Single(machine.TakeReady().Messages.OfType<SendBatch>());
        Assert.Same(range, send.Range);

        machine.Step(new AckReceived(S1, new BatchAck(send.BatchId, AckStatus.Applied, Watermarks.Empty.With(A, H(20)))), 10);
        var ready = machine.TakeReady();
        Assert.Contains(ready.Events, e => e is AcknowledgementsAdvanced a && a.Acknowledged[A] == H(20));
        Assert.Equal(0, machine.Status().InFlightBatches);
    }

    [Fact]
    public void A_peer_behind_is_served_from_the_store_within_the_in_flight_bound()
    {
        var machine = Active(Watermarks.Empty.With(A, H(100)), Watermarks.Empty);
        var prepare = Assert.IsType<PrepareBatch>(Assert.Single(machine.TakeReady().Messages));
        machine.Step(new BatchPrepared(prepare.BatchId, new ChangeRange(A, Hlc.Zero, H(40), [Shared("tags", "k", "1", A, H(40))])), 1);
        var ready = machine.TakeReady();
        Assert.IsType<SendBatch>(ready.Messages[0]);
        var next = Assert.IsType<PrepareBatch>(ready.Messages[1]);
        Assert.Equal(H(40), next.FromExclusive);
        machine.Step(new BatchPrepared(next.BatchId, new ChangeRange(A, H(40), H(70), [])), 2);
        ready = machine.TakeReady();
        Assert.Single(ready.Messages);
        Assert.Equal(2, machine.Status().InFlightBatches);
    }

    [Fact]
    public void A_timeout_backs_off_with_seeded_jitter_and_stalls_after_max_retries()
    {
        var machine = Active(Watermarks.Empty.With(A, H(100)), Watermarks.Empty);
        var prepare = (PrepareBatch)machine.TakeReady().Messages[0];
        machine.Step(new BatchPrepared(prepare.BatchId, new ChangeRange(A, Hlc.Zero, H(100), [])), 0);
        machine.TakeReady();

        var now = 0L;
        for (var failure = 1; failure <= Config.MaxRetries; failure++)
        {
            now += Config.SendTimeoutMs;
            machine.Step(new PeerTick(), now);
            var ready = machine.TakeReady();
            var failed = Assert.IsType<SendFailed>(Assert.Single(ready.Notices));
            var ceiling = Math.Min(Config.RetryBackoffMaxMs, Config.RetryBackoffMinMs << (failure - 1));
            Assert.Equal(failure, failed.ConsecutiveFailures);
            Assert.InRange(failed.RetryAtMs - now, ceiling / 2, ceiling);
            Assert.Empty(ready.Messages);
            now = failed.RetryAtMs;
            machine.Step(new PeerTick(), now);
            prepare = Assert.IsType<PrepareBatch>(Assert.Single(machine.TakeReady().Messages));
            machine.Step(new BatchPrepared(prepare.BatchId, new ChangeRange(A, Hlc.Zero, H(100), [])), now);
            machine.TakeReady();
        }

        machine.Step(new PeerTick(), now + Config.SendTimeoutMs);
        Assert.IsType<PeerStalled>(Assert.Single(machine.TakeReady().Notices));
        Assert.Equal(PeerPhase.Stalled, machine.Phase);

        // A new session resumes it.
        machine.Step(new PeerConnected(new SyncSessionId(2), Local(Watermarks.Empty.With(A, H(100)))), now + 5000);
        Assert.Equal(PeerPhase.AwaitingHello, machine.Phase);
    }

    [Fact]
    public void Backoff_is_the_same_for_the_same_seed()
    {
        long RetryAt(ulong seed)
        {
            var machine = new PeerSyncMachine(Config, A.Node, B.Node, seed);
            machine.Step(new PeerConnected(S1, Local(Watermarks.Empty.With(A, H(100)))), 0);
            machine.Step(new HelloReceived(S1, Hello(Watermarks.Empty)), 0);
            var prepare = machine.TakeReady().Messages.OfType<PrepareBatch>().Single();
            machine.Step(new BatchPrepared(prepare.BatchId, new ChangeRange(A, Hlc.Zero, H(100), [])), 0);
            machine.Step(new PeerTick(), 5000);
            machine.Step(new PeerTick(), 10000);
            return machine.TakeReady().Notices.OfType<SendFailed>().Last().RetryAtMs;
        }

        Assert.Equal(RetryAt(3), RetryAt(3));
    }

    [Fact]
    public void A_gap_acknowledgement_rewinds_to_what_the_peer_has()
    {
        var machine = Active(Watermarks.Empty.With(A, H(100)), Watermarks.Empty.With(A, H(50)));
        var prepare = (PrepareBatch)machine.TakeReady().Messages[0];
        machine.Step(new BatchPrepared(prepare.BatchId, new ChangeRange(A, H(50), H(100), [])), 0);
        machine.TakeReady();
        machine.Step(new AckReceived(S1, new BatchAck(prepare.BatchId, AckStatus.Gap, Watermarks.Empty.With(A, H(30)))), 5);
        var ready = machine.TakeReady();
        Assert.Contains(ready.Notices, n => n is SendFailed);
        machine.Step(new PeerTick(), 10_000);
        var resend = Assert.IsType<PrepareBatch>(Assert.Single(machine.TakeReady().Messages));
        Assert.Equal(H(50), resend.FromExclusive);
    }

    [Fact]
    public void A_clock_skew_rejection_is_reported_and_backed_off()
    {
        var machine = Active(Watermarks.Empty.With(A, H(100)), Watermarks.Empty);
        var prepare = (PrepareBatch)machine.TakeReady().Messages[0];
        machine.Step(new BatchPrepared(prepare.BatchId, new ChangeRange(A, Hlc.Zero, H(100), [])), 0);
        machine.TakeReady();
        machine.Step(new AckReceived(S1, new BatchAck(prepare.BatchId, AckStatus.ClockSkewRejected, Watermarks.Empty)), 5);
        var notices = machine.TakeReady().Notices;
        Assert.Contains(notices, n => n is PeerRejectedClockSkew { Origin: var o } && o == A);
        Assert.Contains(notices, n => n is SendFailed);
    }

    [Fact]
    public void A_changed_data_epoch_resets_acknowledgements_for_a_full_exchange()
    {
        var machine = Active(Watermarks.Empty.With(A, H(100)), Watermarks.Empty.With(A, H(100)));
        machine.Step(new PeerDisconnected(), 1);
        machine.Step(new PeerConnected(new SyncSessionId(2), Local(Watermarks.Empty.With(A, H(100)))), 2);
        machine.TakeReady();
        machine.Step(new HelloReceived(new SyncSessionId(2), Hello(Watermarks.Empty, epoch: 0xB2)), 3);
        var ready = machine.TakeReady();
        Assert.Contains(ready.Notices, n => n is PeerDataEpochChanged { Current.Value: 0xB2 });
        Assert.Contains(ready.Events, e => e is AcknowledgementsReset);
        Assert.Equal(Hlc.Zero, machine.Acknowledged[A]);
        Assert.Equal(new DataEpoch(0xB2), machine.PeerEpoch);
        Assert.Contains(ready.Messages, m => m is PrepareBatch { FromExclusive.Value: 0 });
    }

    [Fact]
    public void A_peer_below_this_nodes_floor_is_reported_and_not_sent_that_origin()
    {
        var machine = Active(Watermarks.Empty.With(A, H(100)), Watermarks.Empty.With(A, H(10)), floors: Watermarks.Empty.With(A, H(50)));
        var ready = machine.TakeReady();
        Assert.Contains(ready.Notices, n => n is PeerBehindLog { PeerPosition: var p, Floor: var f } && p == H(10) && f == H(50));
        Assert.DoesNotContain(ready.Messages, m => m is PrepareBatch);
    }

    [Fact]
    public void Another_origins_stream_is_forwarded_only_after_the_peer_lagged_for_the_forward_delay()
    {
        var machine = Active(Watermarks.Empty.With(Cn, H(100)), Watermarks.Empty, nowMs: 0);
        Assert.DoesNotContain(machine.TakeReady().Messages, m => m is PrepareBatch);
        machine.Step(new PeerTick(), 499);
        Assert.DoesNotContain(machine.TakeReady().Messages, m => m is PrepareBatch);
        machine.Step(new PeerTick(), 500);
        var ready = machine.TakeReady();
        Assert.Contains(ready.Notices, n => n is ForwardingStarted);
        Assert.Contains(ready.Messages, m => m is PrepareBatch p && p.Origin == Cn);
    }

    [Fact]
    public void A_peer_that_catches_up_by_itself_is_not_forwarded_to()
    {
        var machine = Active(Watermarks.Empty.With(Cn, H(100)), Watermarks.Empty, nowMs: 0);
        machine.Step(new WatermarksReported(S1, Watermarks.Empty.With(Cn, H(100)), Watermarks.Empty), 300);
        machine.Step(new PeerTick(), 900);
        Assert.DoesNotContain(machine.TakeReady().Messages, m => m is PrepareBatch);
    }

    [Fact]
    public void A_peer_working_through_a_backlog_of_another_origin_is_not_forwarded_to_while_it_acknowledges_progress()
    {
        // The origin delivers to the peer itself: the peer acknowledges more of it every 300 ms but
        // stays behind the head here (which keeps moving) for longer than the forward delay.
        var machine = Active(Watermarks.Empty.With(Cn, H(100)), Watermarks.Empty, nowMs: 0);
        for (var t = 300; t <= 1500; t += 300)
        {
            machine.Step(new LocalProgressChanged(Watermarks.Empty.With(Cn, H(100 + t)), Watermarks.Empty), t);
            machine.Step(new WatermarksReported(S1, Watermarks.Empty.With(Cn, H(t / 10)), Watermarks.Empty), t);
            machine.Step(new PeerTick(), t);
            var ready = machine.TakeReady();
            Assert.DoesNotContain(ready.Notices, n => n is ForwardingStarted);
            Assert.DoesNotContain(ready.Messages, m => m is PrepareBatch);
        }

        // Then its acknowledgement stops moving: after the forward delay the stream comes from here.
        machine.Step(new PeerTick(), 1999);
        Assert.DoesNotContain(machine.TakeReady().Messages, m => m is PrepareBatch);
        machine.Step(new PeerTick(), 2000);
        var forwarded = machine.TakeReady();
        Assert.Contains(forwarded.Notices, n => n is ForwardingStarted);
        Assert.Contains(forwarded.Messages, m => m is PrepareBatch p && p.Origin == Cn);
    }

    [Fact]
    public void A_peers_own_stream_is_never_sent_back_to_it()
    {
        var machine = Active(Watermarks.Empty.With(B, H(100)), Watermarks.Empty, nowMs: 0);
        machine.Step(new PeerTick(), 10_000);
        Assert.DoesNotContain(machine.TakeReady().Messages, m => m is PrepareBatch);
    }

    [Fact]
    public void A_backfilling_peer_gets_live_batches_only_and_they_are_acknowledged_as_buffered()
    {
        var machine = new PeerSyncMachine(Config, A.Node, B.Node, 1);
        machine.Step(new PeerConnected(S1, Local(Watermarks.Empty.With(A, H(10)))), 0);
        machine.Step(new HelloReceived(S1, Hello(Watermarks.Empty, backfilling: true)), 0);
        Assert.DoesNotContain(machine.TakeReady().Messages, m => m is PrepareBatch);
        machine.Step(new LocalBatchReady(new OutboundBatch(1, new ChangeRange(A, H(10), H(20), [Shared("tags", "k", "1", A, H(20))]))), 1);
        var send = Assert.Single(machine.TakeReady().Messages.OfType<SendBatch>());
        machine.Step(new AckReceived(S1, new BatchAck(send.BatchId, AckStatus.Buffered, Watermarks.Empty)), 2);
        Assert.Empty(machine.TakeReady().Notices);
        Assert.Equal(0, machine.Status().InFlightBatches);

        // The peer finished its snapshot and says hello again: normal catch-up from its watermarks.
        machine.Step(new HelloReceived(S1, Hello(Watermarks.Empty.With(A, H(15)), reply: true)), 3);
        var ready = machine.TakeReady();
        Assert.Contains(ready.Messages, m => m is SendHello);
        Assert.Contains(ready.Messages, m => m is PrepareBatch { FromExclusive: var f } && f == H(15));
    }

    [Fact]
    public void Inbound_batches_are_acknowledged_with_the_local_watermarks()
    {
        var machine = Active(Watermarks.Empty, Watermarks.Empty);
        machine.TakeReady();
        var applied = Watermarks.Empty.With(B, H(9));
        machine.Step(new InboundBatchHandled(S1, 77, AckStatus.Applied, applied), 1);
        var ack = Assert.IsType<SendAck>(Assert.Single(machine.TakeReady().Messages));
        Assert.Equal(new BatchAck(77, AckStatus.Applied, applied), ack.Ack);
    }

    [Fact]
    public void Watermark_reports_are_throttled_to_the_interval()
    {
        var machine = Active(Watermarks.Empty, Watermarks.Empty);
        machine.TakeReady();
        machine.Step(new LocalProgressChanged(Watermarks.Empty.With(Cn, H(1)), Watermarks.Empty), 0);
        Assert.Contains(machine.TakeReady().Messages, m => m is SendWatermarks);
        machine.Step(new LocalProgressChanged(Watermarks.Empty.With(Cn, H(2)), Watermarks.Empty), 100);
        Assert.DoesNotContain(machine.TakeReady().Messages, m => m is SendWatermarks);
        Assert.Equal(200, machine.NextDeadlineMs(100));
        machine.Step(new PeerTick(), 200);
        Assert.Contains(machine.TakeReady().Messages, m => m is SendWatermarks);
    }

    [Fact]
    public void Recover_replays_the_journal_through_the_same_apply()
    {
        var machine = Active(Watermarks.Empty.With(A, H(100)), Watermarks.Empty.With(A, H(60)));
        var journal = new List<PeerSyncEvent>(machine.TakeReady().Events);
        machine.Step(new WatermarksReported(S1, Watermarks.Empty.With(A, H(80)), Watermarks.Empty), 1);
        journal.AddRange(machine.TakeReady().Events);

        var recovered = PeerSyncMachine.Recover(Config, A.Node, B.Node, 7, journal);
        Assert.Equal(machine.Acknowledged, recovered.Acknowledged);
        Assert.Equal(machine.PeerEpoch, recovered.PeerEpoch);
        Assert.Equal(PeerPhase.Disconnected, recovered.Phase);

        machine.Step(new RetireRequested(), 2);
        journal.AddRange(machine.TakeReady().Events);
        var retired = PeerSyncMachine.Recover(Config, A.Node, B.Node, 7, journal);
        Assert.True(retired.IsRetired);
        retired.Step(new PeerConnected(S1, Local(Watermarks.Empty)), 3);
        Assert.False(retired.HasReady);
    }

    [Fact]
    public void A_machine_refuses_to_sync_with_itself() =>
        Assert.Throws<ArgumentException>(() => new PeerSyncMachine(Config, A.Node, A.Node, 1));
}

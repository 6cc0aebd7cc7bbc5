using System.Diagnostics.Metrics;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Diagnostics;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Diagnostics;

public sealed class SyncMetricsTests
{
    [Fact]
    public void A_clock_skew_rejection_is_counted_with_its_origin()
    {
        using var metrics = new SyncMetrics();
        var seen = new List<(string Name, long Value, string? Origin)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            seen.Add((instrument.Name, value, tags.ToArray().FirstOrDefault(t => t.Key == "origin").Value as string)));
        listener.Start();

        var clock = new HybridLogicalClock(new HlcConfig(1000));
        var admitted = ClockAdmission.Admit([new PeerSync.Sync.Records.ChangeRange(Origin("b"), H(1), H(10_000), [])], clock, 0);
        foreach (var rejection in admitted.Rejections)
        {
            metrics.ClockSkewRejected(rejection);
        }

        Assert.Equal(("peersync.sync.clock_skew.rejections", 1L, "b"), Assert.Single(seen));
    }

    /// <summary>The observable instruments read the host's snapshot: state, readiness, and per live peer lag, queue and in-flight batches (none for a removed member).</summary>
    [Fact]
    public void Observable_instruments_report_the_hosts_state_and_each_peers_queue()
    {
        using var metrics = new SyncMetrics();
        var peer = new PeerSync.Sync.Host.SyncPeerState(Node("b"), PeerSync.Sync.Peers.PeerPhase.Active, PeerSync.Sync.Records.Watermarks.Empty, 2, 1500, 42, null, false);
        var removed = new PeerSync.Sync.Host.SyncPeerState(Node("c"), PeerSync.Sync.Peers.PeerPhase.Retired, PeerSync.Sync.Records.Watermarks.Empty, 0, 900, 5, null, true);
        var snapshot = new PeerSync.Sync.Host.SyncHostSnapshot(
            PeerSync.Sync.Backfill.BackfillPhase.Ready, null, 0, PeerSync.Sync.Records.Watermarks.Empty, Hlc.Zero, [peer, removed], 0, 7, 0, 0, 0, 10, 3, false);
        var seen = new List<(string Name, long Value, string? Peer)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            seen.Add((instrument.Name, value, tags.ToArray().FirstOrDefault(t => t.Key == "peer").Value as string)));
        listener.Start();

        listener.RecordObservableInstruments();
        Assert.Empty(seen);
        metrics.ObserveHost(() => snapshot);
        listener.RecordObservableInstruments();

        Assert.Contains(("peersync.sync.state", 3L, null), seen);
        Assert.Contains(("peersync.sync.ready", 1L, null), seen);
        Assert.Contains(("peersync.sync.peer.lag", 1500L, "b"), seen);
        Assert.Contains(("peersync.sync.peer.queue", 42L, "b"), seen);
        Assert.Contains(("peersync.sync.peer.in_flight", 2L, "b"), seen);
        Assert.Contains(("peersync.sync.changes.received", 7L, null), seen);
        Assert.DoesNotContain(seen, m => m.Peer == "c");
    }
}

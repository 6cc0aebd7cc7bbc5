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
}

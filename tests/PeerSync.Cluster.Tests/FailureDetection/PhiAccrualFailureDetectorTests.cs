using FsCheck;
using FsCheck.Fluent;
using PeerSync.Cluster.FailureDetection;

namespace PeerSync.Cluster.Tests.FailureDetection;

public sealed class PhiAccrualFailureDetectorTests
{
    private static PhiSettings Defaults => PhiSettings.From(ClusterConfig.Default("10.0.0.1:4053"));

    private static PhiAccrualFailureDetector Regular(int beats, long intervalMs = 500)
    {
        var detector = new PhiAccrualFailureDetector(Defaults);
        for (var i = 0; i < beats; i++)
        {
            detector.Heartbeat(i * intervalMs);
        }

        return detector;
    }

    [Fact]
    public void Phi_is_zero_when_no_heartbeat_arrived_yet()
    {
        var detector = new PhiAccrualFailureDetector(Defaults);
        Assert.Equal(0, detector.Phi(10_000));
        Assert.True(detector.IsAvailable(10_000));
        Assert.Null(detector.SuspectAtMs());
    }

    [Fact]
    public void Phi_grows_with_silence_and_crosses_the_threshold_after_interval_plus_pause_plus_slack()
    {
        // Defaults: 500 ms interval, 1.5 s acceptable pause, 100 ms minimum deviation, threshold 8:
        // a crash is suspected ~2.5 s after the last heartbeat (inside the 3 s goal).
        var detector = Regular(20);
        var last = 19 * 500L;
        Assert.True(detector.Phi(last + 500) < detector.Phi(last + 1_500));
        Assert.True(detector.IsAvailable(last + 2_000));
        Assert.False(detector.IsAvailable(last + 2_600));
        var suspectAt = detector.SuspectAtMs()!.Value;
        Assert.InRange(suspectAt - last, 2_400, 2_600);
        Assert.True(detector.IsAvailable(suspectAt - 1));
        Assert.False(detector.IsAvailable(suspectAt));
    }

    [Fact]
    public void Pause_of_one_and_a_half_seconds_is_not_a_failure()
    {
        // The worst case of a 1.5 s pause: it starts just before a heartbeat is due, so the gap is
        // one interval plus the pause.
        var detector = Regular(20);
        Assert.True(detector.IsAvailable((19 * 500) + 500 + 1_500));
    }

    [Fact]
    public void Member_that_never_sends_a_heartbeat_is_suspected_from_the_first_estimate()
    {
        var detector = new PhiAccrualFailureDetector(Defaults);
        detector.Heartbeat(0);
        Assert.False(detector.IsAvailable(10_000));
    }

    [Fact]
    public void First_heartbeat_after_an_outage_is_not_a_sample()
    {
        var detector = Regular(10);
        var samples = detector.SampleCount;
        detector.Heartbeat(60_000);
        Assert.Equal(samples, detector.SampleCount);
        Assert.True(detector.IsAvailable(60_100));
    }

    [Fact]
    public void Extra_heartbeats_closer_than_half_an_interval_are_not_samples()
    {
        var detector = Regular(10);
        var samples = detector.SampleCount;
        detector.Heartbeat((9 * 500) + 10);
        Assert.Equal(samples, detector.SampleCount);
    }

    [Fact]
    public void History_is_bounded_by_the_maximum_sample_size()
    {
        var detector = new PhiAccrualFailureDetector(new PhiSettings(8, 5, 100, 1_500, 500));
        for (var i = 0; i < 100; i++)
        {
            detector.Heartbeat(i * 500L);
        }

        Assert.Equal(5, detector.SampleCount);
    }

    [Fact]
    public void Rearm_restarts_the_silence_clock_without_a_sample()
    {
        var detector = Regular(10);
        var samples = detector.SampleCount;
        detector.Rearm(30_000);
        Assert.Equal(samples, detector.SampleCount);
        Assert.True(detector.IsAvailable(30_500));
    }

    [Fact]
    public void Suspect_time_matches_availability_for_many_histories()
    {
        // Property: for any regular-ish history, IsAvailable(t) == t < SuspectAtMs().
        Properties.Check(Prop.ForAll<int, int>((jitter, extra) =>
        {
            var detector = new PhiAccrualFailureDetector(Defaults);
            var t = 0L;
            for (var i = 0; i < 30; i++)
            {
                t += 400 + (Math.Abs(jitter * (i + 1)) % 300);
                detector.Heartbeat(t);
            }

            var at = detector.SuspectAtMs()!.Value;
            var probe = t + (Math.Abs(extra) % 6_000);
            return detector.IsAvailable(probe) == (probe < at);
        }));
    }

    [Theory]
    [InlineData(0, 2, 100, 1_500, 500)]
    [InlineData(8, 1, 100, 1_500, 500)]
    [InlineData(8, 2, 0, 1_500, 500)]
    [InlineData(8, 2, 100, -1, 500)]
    [InlineData(8, 2, 100, 1_500, 0)]
    public void Settings_reject_out_of_range_values(double threshold, int samples, long minStd, long pause, long estimate) =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new PhiSettings(threshold, samples, minStd, pause, estimate));
}

namespace PeerSync.Cluster.FailureDetection;

/// <summary>
/// Phi-accrual failure detector for one monitored member (Hayashibara et al.; design in
/// docs/design/failure-detector.md). Heartbeat arrival intervals are modelled as a normal
/// distribution with mean = observed mean + acceptable pause and deviation = max(observed, minimum);
/// phi is -log10 of the probability that a heartbeat still arrives after the current silence.
/// Pure: the caller hands in every timestamp.
/// </summary>
public sealed class PhiAccrualFailureDetector
{
    private readonly PhiSettings _settings;
    private readonly HeartbeatHistory _history;
    private long? _lastHeartbeatMs;

    public PhiAccrualFailureDetector(PhiSettings settings)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _history = new HeartbeatHistory(settings.MaxSampleSize);
    }

    /// <summary>Time of the last heartbeat (or of <see cref="Rearm"/>), if any.</summary>
    public long? LastHeartbeatMs => _lastHeartbeatMs;

    public int SampleCount => _history.Count;

    /// <summary>Records a heartbeat arrival.</summary>
    public void Heartbeat(long nowMs)
    {
        if (_lastHeartbeatMs is not { } last)
        {
            // Seed the history with the first-heartbeat estimate (two samples a quarter deviation
            // apart) so the detector has a model before real intervals exist.
            var estimate = _settings.FirstHeartbeatEstimateMs;
            var spread = Math.Max(1, estimate / 4);
            _history.Add(estimate - spread);
            _history.Add(estimate + spread);
        }
        else if (nowMs - last >= _settings.MinSampleIntervalMs && IsAvailable(nowMs))
        {
            // The first heartbeat after a suspicion is not a sample: a long outage would inflate the
            // mean and make the detector slow for the next hundred intervals.
            _history.Add(nowMs - last);
        }

        _lastHeartbeatMs = Math.Max(nowMs, _lastHeartbeatMs ?? nowMs);
    }

    /// <summary>
    /// Restarts the silence clock at <paramref name="nowMs"/> without recording an interval. Used
    /// when this node itself was paused: the silence it measured is its own, not the member's.
    /// </summary>
    public void Rearm(long nowMs)
    {
        if (_lastHeartbeatMs is null)
        {
            Heartbeat(nowMs);
            return;
        }

        _lastHeartbeatMs = Math.Max(nowMs, _lastHeartbeatMs.Value);
    }

    public double Phi(long nowMs)
    {
        if (_lastHeartbeatMs is not { } last)
        {
            return 0;
        }

        var (mean, std) = Model();
        return PhiSettings.PhiOf((nowMs - last - mean) / std);
    }

    public bool IsAvailable(long nowMs) => Phi(nowMs) < _settings.Threshold;

    /// <summary>
    /// The first millisecond at which phi reaches the threshold if no heartbeat arrives, so the host
    /// can be woken exactly then instead of polling. Null before the first heartbeat.
    /// </summary>
    public long? SuspectAtMs()
    {
        if (_lastHeartbeatMs is not { } last)
        {
            return null;
        }

        var (mean, std) = Model();
        return last + (long)Math.Ceiling(mean + (_settings.ThresholdY * std));
    }

    private (double Mean, double Std) Model() =>
        (_history.Mean + _settings.AcceptableHeartbeatPauseMs, Math.Max(_history.StdDeviation, _settings.MinStdDeviationMs));
}

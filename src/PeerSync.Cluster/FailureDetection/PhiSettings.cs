namespace PeerSync.Cluster.FailureDetection;

/// <summary>The detector parameters, shared by every detector of one registry.</summary>
public sealed class PhiSettings
{
    public PhiSettings(double threshold, int maxSampleSize, long minStdDeviationMs, long acceptableHeartbeatPauseMs, long firstHeartbeatEstimateMs, long minSampleIntervalMs = 0)
    {
        if (!(threshold > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "phi threshold must be positive");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxSampleSize, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minStdDeviationMs);
        ArgumentOutOfRangeException.ThrowIfNegative(acceptableHeartbeatPauseMs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(firstHeartbeatEstimateMs);
        Threshold = threshold;
        MaxSampleSize = maxSampleSize;
        MinStdDeviationMs = minStdDeviationMs;
        AcceptableHeartbeatPauseMs = acceptableHeartbeatPauseMs;
        FirstHeartbeatEstimateMs = firstHeartbeatEstimateMs;
        MinSampleIntervalMs = Math.Max(0, minSampleIntervalMs);
        ThresholdY = SolveY(threshold);
    }

    public double Threshold { get; }
    public int MaxSampleSize { get; }
    public long MinStdDeviationMs { get; }
    public long AcceptableHeartbeatPauseMs { get; }
    public long FirstHeartbeatEstimateMs { get; }

    /// <summary>
    /// Intervals shorter than this are not samples: an extra heartbeat (a new leader announcing
    /// itself) proves liveness but would drag the mean down and the deviation up.
    /// </summary>
    public long MinSampleIntervalMs { get; }

    /// <summary>The standardized silence y at which phi equals the threshold (solved once).</summary>
    public double ThresholdY { get; }

    public static PhiSettings From(ClusterConfig config) =>
        new(config.PhiThreshold, config.MaxSampleSize, config.MinStdDeviationMs, config.AcceptableHeartbeatPauseMs, config.FirstHeartbeatEstimateMs, config.HeartbeatIntervalMs / 2);

    /// <summary>
    /// phi for a standardized silence y, using the logistic approximation of the normal CDF
    /// (1 / (1 + e^(-y(1.5976 + 0.070566 y^2))), error below 1.4e-4): phi = log10(1 + e^(y(...))).
    /// Written as two branches for precision at both ends.
    /// </summary>
    public static double PhiOf(double y)
    {
        var exponent = y * (1.5976 + (0.070566 * y * y));
        if (exponent > 30)
        {
            // log10(1 + e^x) = x / ln 10 + log10(1 + e^-x); the second term is below 1e-13 here.
            return exponent / Math.Log(10);
        }

        return Math.Log10(1 + Math.Exp(exponent));
    }

    private static double SolveY(double threshold)
    {
        // PhiOf is strictly increasing in y, so bisection finds the crossing.
        double low = -50, high = 50;
        for (var i = 0; i < 200; i++)
        {
            var mid = (low + high) / 2;
            if (PhiOf(mid) < threshold)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return high;
    }
}

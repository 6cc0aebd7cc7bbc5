namespace PeerSync.Cluster.FailureDetection;

/// <summary>
/// The last <c>MaxSampleSize</c> heartbeat intervals of one member, with running sums so the mean
/// and deviation cost O(1). Bounded: the oldest interval drops out when a new one arrives.
/// </summary>
internal sealed class HeartbeatHistory
{
    private readonly long[] _intervals;
    private int _start;
    private int _count;
    private double _sum;
    private double _squaredSum;

    public HeartbeatHistory(int maxSampleSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSampleSize, 2);
        _intervals = new long[maxSampleSize];
    }

    public int Count => _count;

    public double Mean => _count == 0 ? 0 : _sum / _count;

    public double StdDeviation
    {
        get
        {
            if (_count == 0)
            {
                return 0;
            }

            var mean = Mean;
            var variance = (_squaredSum / _count) - (mean * mean);
            return variance <= 0 ? 0 : Math.Sqrt(variance);
        }
    }

    public void Add(long intervalMs)
    {
        if (_count == _intervals.Length)
        {
            var dropped = _intervals[_start];
            _sum -= dropped;
            _squaredSum -= (double)dropped * dropped;
            _intervals[_start] = intervalMs;
            _start = (_start + 1) % _intervals.Length;
        }
        else
        {
            _intervals[(_start + _count) % _intervals.Length] = intervalMs;
            _count++;
        }

        _sum += intervalMs;
        _squaredSum += (double)intervalMs * intervalMs;
    }
}

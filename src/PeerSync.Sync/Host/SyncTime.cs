namespace PeerSync.Sync.Host;

/// <summary>
/// The two clocks of the sync host. <see cref="NowMs"/> feeds the machines: monotonic within a run
/// (the system's timestamp) and anchored to the wall clock at start, so values persisted by one run
/// (a peer's retirement time) still mean something to the next. <see cref="PhysicalMs"/> is the
/// wall clock the HLC reads; it may be skewed on purpose in tests.
/// </summary>
internal sealed class SyncTime
{
    private readonly TimeProvider _monotonic;
    private readonly TimeProvider _physical;
    private readonly long _startTimestamp;
    private readonly long _anchorMs;

    public SyncTime(TimeProvider monotonic, TimeProvider physical)
    {
        _monotonic = monotonic;
        _physical = physical;
        _startTimestamp = monotonic.GetTimestamp();
        _anchorMs = monotonic.GetUtcNow().ToUnixTimeMilliseconds();
    }

    public long NowMs() => _anchorMs + (long)_monotonic.GetElapsedTime(_startTimestamp).TotalMilliseconds;

    public long PhysicalMs() => _physical.GetUtcNow().ToUnixTimeMilliseconds();
}

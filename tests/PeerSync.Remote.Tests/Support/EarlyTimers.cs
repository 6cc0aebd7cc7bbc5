namespace PeerSync.Remote.Tests.Support;

/// <summary>
/// The system clock, with timers that fire <see cref="Early"/> before their due time: what a .NET
/// timer does by up to a tick of the millisecond clock it counts on (the stress run of 22 Nov saw a
/// link's 22 ms retry timer fire when 21 ms had passed on the timestamp), made certain so a test can
/// depend on it. Periods are kept as they are.
/// </summary>
public sealed class EarlyTimers(TimeSpan early) : TimeProvider
{
    public TimeSpan Early { get; } = early;

    public override long TimestampFrequency => TimeProvider.System.TimestampFrequency;

    public override long GetTimestamp() => TimeProvider.System.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => TimeProvider.System.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new EarlyTimer(TimeProvider.System.CreateTimer(callback, state, Shorten(dueTime), period), this);

    private TimeSpan Shorten(TimeSpan dueTime) =>
        dueTime == Timeout.InfiniteTimeSpan || dueTime <= Early ? dueTime : dueTime - Early;

    /// <summary>Keeps <see cref="ITimer.Change"/> early too.</summary>
    private sealed class EarlyTimer(ITimer inner, EarlyTimers clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.Shorten(dueTime), period);

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

namespace PeerSync.Actors;

/// <summary>
/// A clock that moves only when told to. Timers created through it fire, in due order and on the
/// thread that advances the clock, when the clock passes their due time. Used by the deterministic
/// dispatcher, by tests, and by the cluster simulator.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _lock = new();
    private readonly SortedSet<ManualTimer> _timers = new(ManualTimer.DueOrder);
    private DateTimeOffset _now;
    private long _nextTimerSequence;

    public ManualTimeProvider(DateTimeOffset? start = null) =>
        _now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Timers not yet fired or disposed.</summary>
    public int ActiveTimerCount
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        var target = GetUtcNow() + by;
        while (FireNextDue(target))
        {
        }

        lock (_lock)
        {
            if (_now < target)
            {
                _now = target;
            }
        }
    }

    /// <summary>The due time of the earliest pending timer.</summary>
    public bool TryGetNextDue(out DateTimeOffset due)
    {
        lock (_lock)
        {
            if (_timers.Count == 0)
            {
                due = default;
                return false;
            }

            due = _timers.Min!.Due;
            return true;
        }
    }

    /// <summary>
    /// If the earliest timer is due at or before <paramref name="limit"/>, moves the clock to its
    /// due time and fires it (periodic timers are re-armed). Returns false when none is due.
    /// </summary>
    public bool FireNextDue(DateTimeOffset limit)
    {
        ManualTimer timer;
        lock (_lock)
        {
            if (_timers.Count == 0 || _timers.Min!.Due > limit)
            {
                return false;
            }

            timer = _timers.Min!;
            _timers.Remove(timer);
            if (timer.Due > _now)
            {
                _now = timer.Due;
            }

            if (timer.Period > TimeSpan.Zero)
            {
                Arm(timer, timer.Due + timer.Period, timer.Period);
            }
        }

        timer.Fire();
        return true;
    }

    private void Arm(ManualTimer timer, DateTimeOffset due, TimeSpan period)
    {
        timer.Due = due;
        timer.Period = period;
        timer.Sequence = ++_nextTimerSequence;
        _timers.Add(timer);
    }

    private void Change(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
            if (timer.Disposed || dueTime == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
            Arm(timer, _now + dueTime, period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public static readonly IComparer<ManualTimer> DueOrder = Comparer<ManualTimer>.Create((a, b) =>
        {
            var byDue = a.Due.CompareTo(b.Due);
            return byDue != 0 ? byDue : a.Sequence.CompareTo(b.Sequence);
        });

        public DateTimeOffset Due { get; set; }

        public TimeSpan Period { get; set; }

        public long Sequence { get; set; }

        public bool Disposed { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Change(this, dueTime, period);
            return !Disposed;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            Disposed = true;
            owner.Change(this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

namespace PeerSync.Actors;

/// <summary>
/// Actor timers on the system's <see cref="TimeProvider"/>. Each start gets a new generation; the
/// message the timer sends carries it, so a message from a cancelled or replaced timer is
/// recognised and dropped when it is dequeued.
/// </summary>
internal sealed class TimerScheduler(ActorCell cell) : ITimerScheduler
{
    private readonly Dictionary<object, Entry> _timers = [];
    private long _generation;

    public IReadOnlyCollection<object> ActiveTimers => _timers.Keys.ToArray();

    public void StartSingleTimer(object key, object message, TimeSpan delay) =>
        Start(key, message, delay, Timeout.InfiniteTimeSpan);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) =>
        Start(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval) =>
        Start(key, message, initialDelay, interval);

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var entry))
        {
            entry.Timer.Dispose();
        }
    }

    public void CancelAll()
    {
        foreach (var entry in _timers.Values)
        {
            entry.Timer.Dispose();
        }

        _timers.Clear();
    }

    /// <summary>True when the timer message is from a live timer; a single timer is then done.</summary>
    internal bool TryAccept(TimerMessage message)
    {
        if (!_timers.TryGetValue(message.Key, out var entry) || entry.Generation != message.Generation)
        {
            return false;
        }

        if (!entry.Periodic)
        {
            _timers.Remove(message.Key);
            entry.Timer.Dispose();
        }

        return true;
    }

    private void Start(object key, object message, TimeSpan delay, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        if (period != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        }

        Cancel(key);
        var timerMessage = new TimerMessage(key, ++_generation, message);
        var self = cell.SelfRef;
        var timer = cell.System.TimeProvider.CreateTimer(
            static state =>
            {
                var (target, msg) = ((LocalActorRef, TimerMessage))state!;
                target.Tell(msg, null);
            },
            (self, timerMessage),
            delay,
            period);
        _timers[key] = new Entry(timer, timerMessage.Generation, period != Timeout.InfiniteTimeSpan);
    }

    internal sealed record TimerMessage(object Key, long Generation, object Message);

    private sealed record Entry(ITimer Timer, long Generation, bool Periodic);
}

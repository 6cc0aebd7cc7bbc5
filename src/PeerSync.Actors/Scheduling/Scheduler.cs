using Microsoft.Extensions.Logging;

namespace PeerSync.Actors;

/// <summary>
/// Scheduling on the system's <see cref="TimeProvider"/>. Pending timers are kept referenced here
/// (an unreferenced .NET timer may be collected and never fire) and disposed when the system stops.
/// </summary>
internal sealed class Scheduler(TimeProvider time, ILogger log) : IScheduler
{
    private readonly object _lock = new();
    private readonly HashSet<Cancelable> _pending = [];
    private bool _stopped;

    public ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        return Schedule(delay, Timeout.InfiniteTimeSpan, () => receiver.Tell(message, sender));
    }

    public ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        return Schedule(initialDelay, interval, () => receiver.Tell(message, sender));
    }

    public ICancelable ScheduleOnce(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Schedule(delay, Timeout.InfiniteTimeSpan, action);
    }

    internal void Stop()
    {
        Cancelable[] pending;
        lock (_lock)
        {
            _stopped = true;
            pending = [.. _pending];
        }

        foreach (var c in pending)
        {
            c.Cancel();
        }
    }

    private Cancelable Schedule(TimeSpan delay, TimeSpan period, Action action)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var cancelable = new Cancelable(this, period != Timeout.InfiniteTimeSpan, action);
        lock (_lock)
        {
            if (_stopped)
            {
                throw new InvalidOperationException("the scheduler of a terminated actor system cannot schedule");
            }

            _pending.Add(cancelable);
        }

        cancelable.Timer = time.CreateTimer(static s => ((Cancelable)s!).Fire(), cancelable, delay, period);
        if (cancelable.IsCancellationRequested)
        {
            // Cancelled (or a one-shot fired) before the timer was assigned: make sure it is released.
            cancelable.Timer.Dispose();
        }

        return cancelable;
    }

    private void Remove(Cancelable cancelable)
    {
        lock (_lock)
        {
            _pending.Remove(cancelable);
        }
    }

    private sealed class Cancelable(Scheduler owner, bool periodic, Action action) : ICancelable
    {
        private int _cancelled;

        public ITimer? Timer { get; set; }

        public bool IsCancellationRequested => Volatile.Read(ref _cancelled) == 1;

        public void Cancel()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) == 0)
            {
                Timer?.Dispose();
                owner.Remove(this);
            }
        }

        public void Fire()
        {
            if (IsCancellationRequested)
            {
                return;
            }

            if (!periodic)
            {
                Cancel();
            }

            try
            {
                action();
            }
            catch (Exception ex)
            {
                // A scheduled action runs on a timer thread with nobody to report to but the log.
                owner.LogFailure(ex);
            }
        }
    }

    private void LogFailure(Exception ex) => log.LogError(ex, "A scheduled action failed");
}

using System.Collections.Concurrent;

namespace PeerSync.Actors;

/// <summary>
/// Runs every actor of one or more actor systems on the calling thread, one mailbox turn at a
/// time in FIFO order, under a <see cref="ManualTimeProvider"/>. Nothing happens until the test
/// (or the simulator) calls <see cref="RunUntilIdle"/> or <see cref="Advance"/>, so a run is a pure
/// function of its inputs. Work completed by real I/O on other threads is queued here too, but
/// when it arrives is not under this scheduler's control: keep deterministic runs in memory.
/// </summary>
public sealed class DeterministicScheduler : MessageDispatcher
{
    private readonly ConcurrentQueue<Mailbox> _ready = new();
    private int _running;

    public DeterministicScheduler(ManualTimeProvider? time = null) => Time = time ?? new ManualTimeProvider();

    public ManualTimeProvider Time { get; }

    /// <summary>Mailbox turns run so far: a cheap fingerprint of how much happened.</summary>
    public long StepCount { get; private set; }

    public bool IsIdle => _ready.IsEmpty;

    internal override void Schedule(Mailbox mailbox) => _ready.Enqueue(mailbox);

    /// <summary>Runs one mailbox turn; false when nothing was ready.</summary>
    public bool RunOne()
    {
        if (!_ready.TryDequeue(out var mailbox))
        {
            return false;
        }

        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            // Re-entering from inside an actor would break the one-thread guarantee.
            _ready.Enqueue(mailbox);
            throw new InvalidOperationException("the deterministic scheduler was run from inside an actor it is running");
        }

        try
        {
            StepCount++;
            mailbox.Execute();
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }

        return true;
    }

    /// <summary>
    /// Runs mailbox turns until none is ready. Fails after <paramref name="maxSteps"/> turns, which
    /// means actors keep messaging each other without time passing (a livelock).
    /// </summary>
    public int RunUntilIdle(int maxSteps = 10_000_000)
    {
        var steps = 0;
        while (RunOne())
        {
            if (++steps >= maxSteps)
            {
                throw new InvalidOperationException($"actors did not become idle within {maxSteps} mailbox turns");
            }
        }

        return steps;
    }

    /// <summary>
    /// Moves virtual time forward by <paramref name="by"/>: fires each timer at its due time and
    /// lets the actors settle after each, so causality at equal times is kept.
    /// </summary>
    public void Advance(TimeSpan by)
    {
        var target = Time.GetUtcNow() + by;
        RunUntilIdle();
        while (Time.FireNextDue(target))
        {
            RunUntilIdle();
        }

        Time.Advance(target - Time.GetUtcNow());
        RunUntilIdle();
    }

    /// <summary>
    /// Fires the next timer if it is due within <paramref name="limit"/> of now and settles the
    /// actors; false when no timer falls due that soon.
    /// </summary>
    public bool AdvanceToNextTimer(TimeSpan limit)
    {
        RunUntilIdle();
        if (!Time.FireNextDue(Time.GetUtcNow() + limit))
        {
            return false;
        }

        RunUntilIdle();
        return true;
    }
}

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// Mutual exclusion for brief critical sections entered at message rate, such as a link's outbound
/// log. Taking it uncontended is one compare-and-swap: no thread identity is looked up, as
/// <see cref="Lock"/> and <see cref="Monitor"/> do (that lookup showed in profiles of eight
/// senders sharing one link). A contended enter spins and yields a while, then waits on a
/// semaphore until the holder lets go. There is no fairness between waiters. Not reentrant: a
/// holder that runs code it does not control (a user's serializer) says so with
/// <see cref="RunForeignCode"/>, and that code entering again fails with
/// <see cref="LockRecursionException"/> instead of waiting for itself forever.
/// </summary>
internal sealed class BriefLock
{
    /// <summary>Spins (each a little longer, yielding the processor after the first few) before a contended enter waits.</summary>
    private const int SpinsBeforeWaiting = 20;

    private readonly SemaphoreSlim _wake = new(0);
    private int _held;

    /// <summary>Threads that announced they will wait on <see cref="_wake"/>.</summary>
    private int _waiters;

    /// <summary>1 from a release of <see cref="_wake"/> until the woken thread runs: one release at a time, so the count never piles up.</summary>
    private int _wakePending;

    /// <summary>The managed thread id of a holder running foreign code (see <see cref="RunForeignCode"/>); 0 when none is.</summary>
    private int _foreignCodeThread;

    /// <summary>Whether some thread holds the lock (a snapshot, for tests and assertions).</summary>
    public bool IsHeld => Volatile.Read(ref _held) != 0;

    /// <summary>Threads waiting on the semaphore or about to (a snapshot, for tests).</summary>
    public int Waiters => Volatile.Read(ref _waiters);

    /// <summary>Enters; the scope's <see cref="Scope.Dispose"/> leaves (use with <c>using</c>).</summary>
    public Scope EnterScope()
    {
        if (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
        {
            EnterContended();
        }

        return new Scope(this);
    }

    /// <summary>
    /// Runs <paramref name="action"/> (holding the lock) such that an attempt by the same thread to
    /// enter again throws <see cref="LockRecursionException"/> rather than deadlocking.
    /// </summary>
    public void RunForeignCode(Action action)
    {
        Volatile.Write(ref _foreignCodeThread, Environment.CurrentManagedThreadId);
        try
        {
            action();
        }
        finally
        {
            Volatile.Write(ref _foreignCodeThread, 0);
        }
    }

    private void EnterContended()
    {
        if (Volatile.Read(ref _foreignCodeThread) is var foreign and not 0 && foreign == Environment.CurrentManagedThreadId)
        {
            throw new LockRecursionException("the thread holding this lock tried to enter it again from code it runs under the lock (a serializer telling a remote actor?)");
        }

        while (true)
        {
            var spinner = default(SpinWait);
            for (var i = 0; i < SpinsBeforeWaiting; i++)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                if (TryTake())
                {
                    return;
                }
            }

            // Announce the wait, then look once more: an exit that ran before the announcement saw
            // no waiter and released nothing, but it let go of the lock, so this look succeeds.
            Interlocked.Increment(ref _waiters);
            if (TryTake())
            {
                Interlocked.Decrement(ref _waiters);
                return;
            }

            _wake.Wait();
            Interlocked.Decrement(ref _waiters);
            Volatile.Write(ref _wakePending, 0);
            if (TryTake())
            {
                return;
            }
        }
    }

    private bool TryTake() => Volatile.Read(ref _held) == 0 && Interlocked.CompareExchange(ref _held, 1, 0) == 0;

    private void Exit()
    {
        // A full fence: the waiter count is read after the lock is seen free by everyone.
        Interlocked.Exchange(ref _held, 0);
        if (Volatile.Read(ref _waiters) > 0 && Interlocked.CompareExchange(ref _wakePending, 1, 0) == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Holds the lock until disposed.</summary>
    public readonly ref struct Scope(BriefLock owner)
    {
        public void Dispose() => owner.Exit();
    }
}

using PeerSync.Remote.Endpoints;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Endpoints;

/// <summary>The link log's lock: mutual exclusion under contention, and a contended enter that waits and is woken.</summary>
public sealed class BriefLockTests
{
    [Fact]
    public async Task BriefLock_keeps_every_increment_when_more_threads_than_cores_contend()
    {
        var gate = new BriefLock();
        const int threads = 6;
        const int increments = 20_000;
        var total = 0;
        var inside = 0;
        var overlaps = 0;
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (var i = 0; i < increments; i++)
                {
                    using (gate.EnterScope())
                    {
                        if (Interlocked.Increment(ref inside) != 1)
                        {
                            Interlocked.Increment(ref overlaps);
                        }

                        // Not atomic on purpose: only the lock keeps it exact.
                        total = total + 1;
                        Interlocked.Decrement(ref inside);
                    }
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

        await Task.WhenAll(workers).Within();

        Assert.Equal(0, overlaps);
        Assert.Equal(threads * increments, total);
        Assert.False(gate.IsHeld);
    }

    [Fact]
    public async Task BriefLock_makes_an_enter_wait_until_the_holder_leaves_when_it_is_held()
    {
        var gate = new BriefLock();
        using var release = new ManualResetEventSlim();
        var holder = Hold(gate, release);
        await Eventually.TrueAsync(() => gate.IsHeld, "the holder to enter");
        var entered = 0;
        var waiter = Enter(gate, () => Interlocked.Increment(ref entered));

        // It spins a while, then announces that it waits on the semaphore.
        await Eventually.TrueAsync(() => gate.Waiters == 1, "the second enter to wait");
        Assert.Equal(0, Volatile.Read(ref entered));

        release.Set();
        await Task.WhenAll(holder, waiter).Within();
        Assert.Equal(1, entered);
        Assert.Equal(0, gate.Waiters);
        Assert.False(gate.IsHeld);
    }

    [Fact]
    public async Task BriefLock_wakes_every_waiter_in_turn_when_several_wait()
    {
        var gate = new BriefLock();
        using var release = new ManualResetEventSlim();
        var holder = Hold(gate, release);
        await Eventually.TrueAsync(() => gate.IsHeld, "the holder to enter");
        var entered = 0;
        var waiters = Enumerable.Range(0, 3).Select(_ => Enter(gate, () => Interlocked.Increment(ref entered))).ToArray();
        await Eventually.TrueAsync(() => gate.Waiters == 3, "three enters to wait", () => $"{gate.Waiters} waiting");
        Assert.Equal(0, Volatile.Read(ref entered));

        release.Set();
        await Task.WhenAll([holder, .. waiters]).Within();
        Assert.Equal(3, entered);
        Assert.Equal(0, gate.Waiters);
        Assert.False(gate.IsHeld);
    }

    [Fact]
    public async Task BriefLock_refuses_a_second_enter_from_its_holder_when_the_holder_runs_foreign_code()
    {
        var gate = new BriefLock();
        using (gate.EnterScope())
        {
            gate.RunForeignCode(() =>
            {
                var refused = Assert.Throws<LockRecursionException>(() =>
                {
                    using var again = gate.EnterScope();
                });
                Assert.Contains("enter it again", refused.Message);
            });
        }

        // Released as usual afterwards, and usable by other threads.
        Assert.False(gate.IsHeld);
        await Enter(gate, () => { }).Within();
    }

    /// <summary>Enters on a thread of its own and holds the lock until <paramref name="release"/> is set.</summary>
    private static Task Hold(BriefLock gate, ManualResetEventSlim release) => Enter(gate, () => release.Wait());

    private static Task Enter(BriefLock gate, Action inside) => Task.Factory.StartNew(
        () =>
        {
            using (gate.EnterScope())
            {
                inside();
            }
        },
        CancellationToken.None,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);
}

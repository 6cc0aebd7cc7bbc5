using PeerSync.Actors;
using Xunit.Sdk;

namespace PeerSync.TestKit;

/// <summary>
/// Retry-until-true helpers. On a deterministic system they drive the scheduler and pass virtual
/// time between attempts; otherwise they wait in real time.
/// </summary>
public sealed class Await(ActorSystem system, TestKitSettings settings)
{
    private readonly DeterministicScheduler? _scheduler = system.Settings.DeterministicScheduler;

    /// <summary>Retries <paramref name="assertion"/> until it stops throwing, for at most <paramref name="duration"/>.</summary>
    public void Assert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        var max = duration ?? settings.Dilated(settings.DefaultTimeout);
        var step = interval ?? TimeSpan.FromMilliseconds(50);
        var deadline = system.TimeProvider.GetUtcNow() + max;
        while (true)
        {
            _scheduler?.RunUntilIdle();
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (system.TimeProvider.GetUtcNow() < deadline)
            {
                // Not yet: wait a step and try again; the last failure propagates at the deadline.
            }

            Pause(step, deadline);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, for at most <paramref name="duration"/>.</summary>
    public void Condition(Func<bool> condition, TimeSpan? duration = null, TimeSpan? interval = null, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var max = duration ?? settings.Dilated(settings.DefaultTimeout);
        var step = interval ?? TimeSpan.FromMilliseconds(50);
        var deadline = system.TimeProvider.GetUtcNow() + max;
        while (true)
        {
            _scheduler?.RunUntilIdle();
            if (condition())
            {
                return;
            }

            if (system.TimeProvider.GetUtcNow() >= deadline)
            {
                throw new XunitException($"condition not met within {max.TotalMilliseconds:0} ms{(message is null ? "" : ": " + message)}");
            }

            Pause(step, deadline);
        }
    }

    private void Pause(TimeSpan step, DateTimeOffset deadline)
    {
        var left = deadline - system.TimeProvider.GetUtcNow();
        var wait = left < step ? left : step;
        if (wait <= TimeSpan.Zero)
        {
            wait = TimeSpan.FromTicks(1);
        }

        if (_scheduler is not null)
        {
            _scheduler.Advance(wait);
        }
        else
        {
            Thread.Sleep(wait);
        }
    }
}

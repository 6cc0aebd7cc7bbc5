using System.Collections.Concurrent;
using PeerSync.Actors;

namespace PeerSync.TestKit;

/// <summary>
/// An actor whose inbox a test reads: send it messages (or pass <see cref="Ref"/> as a sender),
/// then assert on what arrived. On a deterministic system every wait drives the scheduler and
/// passes virtual time instead of sleeping.
/// </summary>
public sealed partial class TestProbe
{
    private readonly ConcurrentQueue<Envelope> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly ActorSystem _system;
    private readonly TestKitSettings _settings;
    private readonly DeterministicScheduler? _scheduler;
    private DateTimeOffset? _deadline;

    public TestProbe(ActorSystem system, TestKitSettings settings, string? name = null)
    {
        _system = system;
        _settings = settings;
        _scheduler = system.Settings.DeterministicScheduler;
        Ref = system.SystemActorOf(Props.Create(() => new ProbeActor(this)), name);
    }

    public IActorRef Ref { get; }

    /// <summary>The last message received (null before the first).</summary>
    public object? LastMessage { get; private set; }

    /// <summary>The sender of the last message received.</summary>
    public IActorRef? LastSender { get; private set; }

    /// <summary>Messages received and not yet consumed by an expectation.</summary>
    public int Pending => _queue.Count;

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with this probe as sender.</summary>
    public void Send(IActorRef target, object message) => target.Tell(message, Ref);

    /// <summary>Answers the sender of the last message, with this probe as sender.</summary>
    public void Reply(object message)
    {
        var sender = LastSender ?? throw new InvalidOperationException("Reply needs a received message to answer");
        sender.Tell(message, Ref);
    }

    /// <summary>Passes the last message (or <paramref name="message"/>) on to <paramref name="target"/>, keeping the original sender.</summary>
    public void Forward(IActorRef target, object? message = null)
    {
        var payload = message ?? LastMessage ?? throw new InvalidOperationException("Forward needs a received message to pass on");
        target.Tell(payload, LastSender);
    }

    /// <summary>
    /// Watches <paramref name="target"/>: its Terminated will arrive in this probe's inbox. Returns
    /// once the watch is in place, so a stop right after is seen as a stop of a live actor.
    /// </summary>
    public IActorRef Watch(IActorRef target)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Ref.Tell(new ProbeActor.WatchTarget(target, done), null);
        WaitFor(done.Task, "watch");
        return target;
    }

    /// <summary>Stops watching <paramref name="target"/>; returns once the unwatch is in place.</summary>
    public IActorRef Unwatch(IActorRef target)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Ref.Tell(new ProbeActor.UnwatchTarget(target, done), null);
        WaitFor(done.Task, "unwatch");
        return target;
    }

    private void WaitFor(Task task, string what)
    {
        var wait = _settings.Dilated(_settings.DefaultTimeout);
        if (_scheduler is not null)
        {
            _scheduler.RunUntilIdle();
        }
        else
        {
            task.Wait(wait);
        }

        if (!task.IsCompleted)
        {
            throw new Xunit.Sdk.XunitException($"the probe did not complete its {what} within {wait.TotalMilliseconds:0} ms");
        }
    }

    internal void Enqueue(Envelope envelope)
    {
        _queue.Enqueue(envelope);
        _available.Release();
    }

    /// <summary>The wait to use: the given one (or the default, dilated), capped by an enclosing Within.</summary>
    private TimeSpan Remaining(TimeSpan? requested, TimeSpan fallback)
    {
        var wait = requested ?? _settings.Dilated(fallback);
        if (_deadline is { } deadline)
        {
            var left = deadline - _system.TimeProvider.GetUtcNow();
            if (left < wait)
            {
                wait = left < TimeSpan.Zero ? TimeSpan.Zero : left;
            }
        }

        return wait;
    }

    /// <summary>Takes the next message, waiting up to <paramref name="wait"/>; false when none came.</summary>
    private bool TryReceive(TimeSpan wait, out Envelope envelope)
    {
        if (_scheduler is null)
        {
            if (_available.Wait(wait) && _queue.TryDequeue(out envelope))
            {
                Remember(envelope);
                return true;
            }

            envelope = default;
            return false;
        }

        var deadline = _system.TimeProvider.GetUtcNow() + wait;
        while (true)
        {
            _scheduler.RunUntilIdle();
            if (_queue.TryDequeue(out envelope))
            {
                _available.Wait(0);
                Remember(envelope);
                return true;
            }

            var left = deadline - _system.TimeProvider.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            if (!_scheduler.AdvanceToNextTimer(left))
            {
                _scheduler.Advance(left);
            }
        }
    }

    private void Remember(Envelope envelope)
    {
        LastMessage = envelope.Message;
        LastSender = envelope.Sender;
    }
}

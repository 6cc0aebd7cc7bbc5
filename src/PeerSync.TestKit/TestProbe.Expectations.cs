using PeerSync.Actors;
using Xunit.Sdk;

namespace PeerSync.TestKit;

public sealed partial class TestProbe
{
    /// <summary>Expects the next message to be a <typeparamref name="T"/> (matching <paramref name="predicate"/> if given).</summary>
    public T ExpectMsg<T>(Predicate<T>? predicate = null, TimeSpan? timeout = null, string? hint = null)
    {
        var wait = Remaining(timeout, _settings.DefaultTimeout);
        if (!TryReceive(wait, out var envelope))
        {
            throw new XunitException($"timeout ({wait.TotalMilliseconds:0} ms) waiting for {typeof(T).Name}{Hint(hint)}");
        }

        if (envelope.Message is not T typed)
        {
            throw new XunitException($"expected {typeof(T).Name}{Hint(hint)} but received {Describe(envelope.Message)}");
        }

        if (predicate is not null && !predicate(typed))
        {
            throw new XunitException($"received {Describe(typed)} but it did not match the predicate{Hint(hint)}");
        }

        return typed;
    }

    /// <summary>Expects the next message to equal <paramref name="expected"/>.</summary>
    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null)
        where T : notnull
    {
        var wait = Remaining(timeout, _settings.DefaultTimeout);
        if (!TryReceive(wait, out var envelope))
        {
            throw new XunitException($"timeout ({wait.TotalMilliseconds:0} ms) waiting for {Describe(expected)}");
        }

        if (!Equals(envelope.Message, expected))
        {
            throw new XunitException($"expected {Describe(expected)} but received {Describe(envelope.Message)}");
        }

        return (T)envelope.Message;
    }

    /// <summary>Expects the next message to come from <paramref name="sender"/>.</summary>
    public T ExpectMsgFrom<T>(IActorRef sender, Predicate<T>? predicate = null, TimeSpan? timeout = null)
    {
        var message = ExpectMsg<T>(predicate, timeout);
        if (!Equals(LastSender, sender))
        {
            throw new XunitException($"expected {typeof(T).Name} from {sender.Path} but it came from {LastSender?.Path.ToString() ?? "no sender"}");
        }

        return message;
    }

    /// <summary>Asserts that no message arrives for <paramref name="duration"/>.</summary>
    public void ExpectNoMsg(TimeSpan? duration = null)
    {
        var wait = Remaining(duration, _settings.DefaultNoMessageWait);
        if (TryReceive(wait, out var envelope))
        {
            throw new XunitException($"expected no message for {wait.TotalMilliseconds:0} ms but received {Describe(envelope.Message)}");
        }
    }

    /// <summary>Receives exactly <paramref name="count"/> messages of any type, in order.</summary>
    public IReadOnlyList<object> ReceiveN(int count, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var wait = Remaining(timeout, _settings.DefaultTimeout);
        var deadline = _system.TimeProvider.GetUtcNow() + wait;
        var received = new List<object>(count);
        while (received.Count < count)
        {
            var left = deadline - _system.TimeProvider.GetUtcNow();
            if (!TryReceive(left < TimeSpan.Zero ? TimeSpan.Zero : left, out var envelope))
            {
                throw new XunitException($"timeout ({wait.TotalMilliseconds:0} ms) after {received.Count} of {count} messages");
            }

            received.Add(envelope.Message);
        }

        return received;
    }

    /// <summary>
    /// Skips messages until one of type <typeparamref name="T"/> matches <paramref name="isTarget"/>;
    /// the skipped messages are consumed.
    /// </summary>
    public T FishForMessage<T>(Predicate<T> isTarget, TimeSpan? timeout = null, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(isTarget);
        var wait = Remaining(timeout, _settings.DefaultTimeout);
        var deadline = _system.TimeProvider.GetUtcNow() + wait;
        var skipped = 0;
        while (true)
        {
            var left = deadline - _system.TimeProvider.GetUtcNow();
            if (!TryReceive(left < TimeSpan.Zero ? TimeSpan.Zero : left, out var envelope))
            {
                throw new XunitException($"timeout ({wait.TotalMilliseconds:0} ms) fishing for {typeof(T).Name}{Hint(hint)}; skipped {skipped} other messages");
            }

            if (envelope.Message is T typed && isTarget(typed))
            {
                return typed;
            }

            skipped++;
        }
    }

    /// <summary>Expects the <see cref="Terminated"/> of <paramref name="target"/> (watch it first).</summary>
    public Terminated ExpectTerminated(IActorRef target, TimeSpan? timeout = null) =>
        ExpectMsg<Terminated>(t => t.ActorRef.Equals(target), timeout, $"Terminated of {target.Path}");

    /// <summary>
    /// Runs <paramref name="block"/> with every wait inside capped so the whole block finishes
    /// within <paramref name="max"/>, and asserts it took at least <paramref name="min"/>. Time is
    /// the system's clock: virtual on a deterministic system.
    /// </summary>
    public T Within<T>(TimeSpan min, TimeSpan max, Func<T> block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var start = _system.TimeProvider.GetUtcNow();
        var dilatedMax = _settings.Dilated(max);
        var outer = _deadline;
        var deadline = start + dilatedMax;
        _deadline = outer is { } o && o < deadline ? o : deadline;
        try
        {
            var result = block();
            var elapsed = _system.TimeProvider.GetUtcNow() - start;
            if (elapsed < min)
            {
                throw new XunitException($"block took {elapsed.TotalMilliseconds:0} ms, less than the minimum {min.TotalMilliseconds:0} ms");
            }

            if (elapsed > dilatedMax)
            {
                throw new XunitException($"block took {elapsed.TotalMilliseconds:0} ms, more than the maximum {dilatedMax.TotalMilliseconds:0} ms");
            }

            return result;
        }
        finally
        {
            _deadline = outer;
        }
    }

    public T Within<T>(TimeSpan max, Func<T> block) => Within(TimeSpan.Zero, max, block);

    public void Within(TimeSpan max, Action block) => Within(TimeSpan.Zero, max, () =>
    {
        block();
        return true;
    });

    public void Within(TimeSpan min, TimeSpan max, Action block) => Within(min, max, () =>
    {
        block();
        return true;
    });

    private static string Hint(string? hint) => hint is null ? "" : $" ({hint})";

    internal static string Describe(object? message) => message switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => $"{message.GetType().Name} {message}",
    };
}

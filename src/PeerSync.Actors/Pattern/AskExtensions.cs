namespace PeerSync.Actors;

/// <summary>Request-response from outside an actor (or from an async handler).</summary>
public static class AskExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary actor as sender and waits for the first
    /// reply. A <see cref="Status.Failure"/> reply throws its cause; no reply within
    /// <paramref name="timeout"/> (default: the system's AskTimeout) throws
    /// <see cref="AskTimeoutException"/> naming the target and the message type.
    /// </summary>
    public static async Task<T> Ask<T>(this IActorRef target, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        if (target is not IInternalActorRef internalTarget)
        {
            throw new ArgumentException($"cannot ask {target.Path}: it is not a ref of this runtime", nameof(target));
        }

        var system = internalTarget.System;
        var wait = timeout ?? system.Settings.AskTimeout;
        if (wait <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), wait, "an ask timeout must be positive");
        }

        var promise = new PromiseActorRef(system);
        using var timer = system.TimeProvider.CreateTimer(
            static state =>
            {
                var (p, t, m, w) = ((PromiseActorRef, IActorRef, object, TimeSpan))state!;
                p.Fail(new AskTimeoutException($"Ask to {t.Path} timed out after {w.TotalMilliseconds:0} ms waiting for a reply to {m.GetType().Name}"));
            },
            (promise, target, message, wait),
            wait,
            Timeout.InfiniteTimeSpan);
        await using var registration = cancellationToken.Register(
            static state => ((PromiseActorRef)state!).Fail(new OperationCanceledException("the ask was cancelled")),
            promise).ConfigureAwait(false);

        target.Tell(message, promise);
        var reply = await promise.Result.ConfigureAwait(false);
        return reply switch
        {
            T typed => typed,
            Status.Success { Value: T value } => value,
            _ => throw new InvalidCastException(
                $"Ask to {target.Path} with {message.GetType().Name} expected a {typeof(T).Name} but the reply was a {reply.GetType().Name}"),
        };
    }

    /// <summary>Ask for any reply type.</summary>
    public static Task<object> Ask(this IActorRef target, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        target.Ask<object>(message, timeout, cancellationToken);
}

namespace PeerSync.Actors;

/// <summary>Turns the outcome of a task into a message, so an actor can start async work without awaiting it.</summary>
public static class PipeToExtensions
{
    /// <summary>
    /// When <paramref name="task"/> completes, tells <paramref name="recipient"/> the result (or
    /// <paramref name="success"/> of it), or a <see cref="Status.Failure"/> (or <paramref name="failure"/>
    /// of the exception). Returns the continuation.
    /// </summary>
    public static Task PipeTo<T>(
        this Task<T> task,
        IActorRef recipient,
        IActorRef? sender = null,
        Func<T, object>? success = null,
        Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        return task.ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    object? message = success is null ? t.Result : success(t.Result);
                    recipient.Tell(message ?? new Status.Success(null), sender);
                }
                else
                {
                    var cause = Unwrap(t);
                    recipient.Tell(failure is null ? new Status.Failure(cause) : failure(cause), sender);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>For a task without a result: tells <see cref="Status.Success"/> (or <paramref name="success"/>) or a failure.</summary>
    public static Task PipeTo(
        this Task task,
        IActorRef recipient,
        IActorRef? sender = null,
        Func<object>? success = null,
        Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        return task.ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    recipient.Tell(success?.Invoke() ?? new Status.Success(null), sender);
                }
                else
                {
                    var cause = Unwrap(t);
                    recipient.Tell(failure is null ? new Status.Failure(cause) : failure(cause), sender);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static Exception Unwrap(Task t) =>
        t.IsCanceled
            ? new TaskCanceledException(t)
            : t.Exception!.InnerExceptions.Count == 1 ? t.Exception.InnerException! : t.Exception;
}

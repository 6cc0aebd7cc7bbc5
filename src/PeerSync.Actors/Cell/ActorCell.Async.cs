namespace PeerSync.Actors;

internal sealed partial class ActorCell
{
    /// <summary>
    /// Runs an async handler. Its awaits resume as system messages on this actor (so Self, Sender
    /// and the actor's state are safe to use after an await), and user messages wait until the
    /// task completes.
    /// </summary>
    internal void RunTask(Func<Task> taskFactory)
    {
        var envelope = _currentEnvelope;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(new ActorSynchronizationContext(_self, envelope));
        Task task;
        try
        {
            task = taskFactory();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        if (task.IsCompleted)
        {
            // Rethrows a synchronous fault into Invoke, which hands it to the supervisor.
            task.GetAwaiter().GetResult();
            return;
        }

        Mailbox.SuspendCount++;
        task.ContinueWith(
            static (t, state) =>
            {
                var (self, env) = ((LocalActorRef, Envelope))state!;
                self.SendSystemMessage(new AsyncTaskCompleted(t, env));
            },
            (_self, envelope),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Runs <paramref name="action"/> with <paramref name="envelope"/> as the current message.</summary>
    internal void RunOnBehalfOf(in Envelope envelope, Action action)
    {
        var previous = _currentEnvelope;
        _currentEnvelope = envelope;
        try
        {
            action();
        }
        finally
        {
            _currentEnvelope = previous;
        }
    }

    private void RunContinuation(AsyncContinuation continuation)
    {
        var previousEnvelope = _currentEnvelope;
        var previousContext = SynchronizationContext.Current;
        _currentEnvelope = continuation.Envelope;
        SynchronizationContext.SetSynchronizationContext(new ActorSynchronizationContext(_self, continuation.Envelope));
        try
        {
            continuation.Callback(continuation.State);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previousContext);
            _currentEnvelope = previousEnvelope;
        }
    }

    private void OnTaskCompleted(AsyncTaskCompleted completed)
    {
        Mailbox.SuspendCount--;
        if (completed.Task.IsFaulted || completed.Task.IsCanceled)
        {
            _currentEnvelope = completed.Envelope;
            var cause = completed.Task.IsFaulted
                ? completed.Task.Exception!.InnerExceptions.Count == 1 ? completed.Task.Exception.InnerException! : completed.Task.Exception
                : new TaskCanceledException(
                    $"the async handler of {_self.Path} for {completed.Envelope.Message?.GetType().Name ?? "(no message: started by a lifecycle hook)"} was cancelled");
            HandleInvokeFailure(cause, completed.Envelope.Message);
        }
    }

    /// <summary>Posts await continuations back to the actor's mailbox.</summary>
    private sealed class ActorSynchronizationContext(LocalActorRef self, Envelope envelope) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) =>
            self.SendSystemMessage(new AsyncContinuation(d, state, envelope));

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("synchronous Send to an actor's context would deadlock; use Post");

        public override SynchronizationContext CreateCopy() => new ActorSynchronizationContext(self, envelope);
    }
}

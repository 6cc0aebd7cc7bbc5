namespace PeerSync.Actors;

/// <summary>
/// The thread-pool dispatcher with a switch: while paused, no mailbox turn starts; mailboxes that
/// become ready are parked in arrival order and run after <see cref="Resume"/>. Messages keep
/// arriving (they queue in the mailboxes, as bytes queue in a frozen process's sockets), timers keep
/// firing into the mailboxes, but no actor processes anything. This is how the multi-node harness
/// freezes a node (docs/design/cluster-host.md); production uses the default dispatcher.
/// </summary>
public sealed class PausableDispatcher : MessageDispatcher
{
    private readonly object _gate = new();
    private readonly Queue<Mailbox> _parked = new();
    private bool _paused;
    private int _running;
    private TaskCompletionSource? _drained;

    /// <summary>True between <see cref="PauseAsync"/> and <see cref="Resume"/>.</summary>
    public bool IsPaused
    {
        get
        {
            lock (_gate)
            {
                return _paused;
            }
        }
    }

    /// <summary>Mailboxes waiting for <see cref="Resume"/>.</summary>
    public int ParkedCount
    {
        get
        {
            lock (_gate)
            {
                return _parked.Count;
            }
        }
    }

    /// <summary>
    /// Stops starting mailbox turns. A turn already running ends after the message it is handling
    /// (a message is never cut in half), and its mailbox is parked if more waits; the returned task
    /// completes once those turns have ended, so after awaiting it no actor runs. Idempotent.
    /// </summary>
    public Task PauseAsync()
    {
        lock (_gate)
        {
            _paused = true;
            _yieldRequested = true;
            if (_running == 0)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    /// <summary>Starts the parked mailboxes (in the order they became ready) and runs new ones at once again. Idempotent.</summary>
    public void Resume()
    {
        Mailbox[] parked;
        lock (_gate)
        {
            _paused = false;
            _yieldRequested = false;
            parked = [.. _parked];
            _parked.Clear();
        }

        foreach (var mailbox in parked)
        {
            ThreadPool.UnsafeQueueUserWorkItem(new Turn(this, mailbox), preferLocal: false);
        }
    }

    internal override void Schedule(Mailbox mailbox)
    {
        lock (_gate)
        {
            if (_paused)
            {
                _parked.Enqueue(mailbox);
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(new Turn(this, mailbox), preferLocal: false);
    }

    /// <summary>Runs one mailbox turn unless the dispatcher was paused between scheduling and now.</summary>
    private void Run(Mailbox mailbox)
    {
        lock (_gate)
        {
            if (_paused)
            {
                _parked.Enqueue(mailbox);
                return;
            }

            _running++;
        }

        try
        {
            mailbox.Execute();
        }
        finally
        {
            TaskCompletionSource? drained = null;
            lock (_gate)
            {
                if (--_running == 0 && _drained is not null)
                {
                    drained = _drained;
                    _drained = null;
                }
            }

            drained?.TrySetResult();
        }
    }

    private sealed class Turn(PausableDispatcher dispatcher, Mailbox mailbox) : IThreadPoolWorkItem
    {
        public void Execute() => dispatcher.Run(mailbox);
    }
}

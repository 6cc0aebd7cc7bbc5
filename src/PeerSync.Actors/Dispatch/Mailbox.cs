using System.Collections.Concurrent;

namespace PeerSync.Actors;

/// <summary>
/// The queues of one actor and the state machine that makes sure at most one thread processes
/// them at a time. Posting is lock-free (a queue append plus one CAS when the mailbox is idle).
/// System messages always go first and are handled even while user messages are held back by a
/// suspension (failure, restart, an awaited ReceiveAsync task).
/// </summary>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    private const int Scheduled = 1;
    private const int Closed = 2;

    private readonly ConcurrentQueue<Envelope> _user = new();
    private readonly ConcurrentQueue<SystemMessage> _system = new();
    private readonly ActorCell _cell;
    private readonly MessageDispatcher _dispatcher;
    private readonly int _throughput;
    private readonly int _capacity;

    // Messages put back in front of the queue by Unstash, the next one on top; touched only by
    // the processing thread.
    private Stack<Envelope>? _unstashed;
    private int _status;
    private int _userCount;

    public Mailbox(ActorCell cell, MessageDispatcher dispatcher, int throughput, int? capacity)
    {
        _cell = cell;
        _dispatcher = dispatcher;
        _throughput = throughput;
        _capacity = capacity ?? 0;
    }

    public bool IsClosed => (Volatile.Read(ref _status) & Closed) != 0;

    /// <summary>User messages waiting (approximate while other threads post).</summary>
    public int Count => _user.Count + (_unstashed?.Count ?? 0);

    /// <summary>
    /// Counts user-message suspensions (own failure, parent's failure, an awaited task). Touched
    /// only by the processing thread.
    /// </summary>
    public int SuspendCount { get; set; }

    public void Post(in Envelope envelope)
    {
        if (_capacity > 0 && Interlocked.Increment(ref _userCount) > _capacity)
        {
            Interlocked.Decrement(ref _userCount);
            _cell.System.DeadLetter(envelope.Message, envelope.Sender, _cell.Self, $"mailbox full ({_capacity} messages)");
            return;
        }

        _user.Enqueue(envelope);
        if (IsClosed)
        {
            // The actor stopped while we posted: whatever is left goes to dead letters, ours included.
            DrainUserToDeadLetters();
            return;
        }

        TrySchedule();
    }

    public void PostSystem(SystemMessage message)
    {
        _system.Enqueue(message);
        if (IsClosed)
        {
            DrainSystemAfterClose();
            return;
        }

        TrySchedule();
    }

    /// <summary>Puts messages back in front of the queue (oldest first), ahead of anything unstashed before.</summary>
    public void Prepend(IReadOnlyList<Envelope> envelopes)
    {
        if (envelopes.Count == 0)
        {
            return;
        }

        _unstashed ??= new Stack<Envelope>();
        for (var i = envelopes.Count - 1; i >= 0; i--)
        {
            _unstashed.Push(envelopes[i]);
        }
    }

    /// <summary>Stops processing for good; everything left and everything posted later goes to dead letters.</summary>
    public void Close()
    {
        int status;
        do
        {
            status = Volatile.Read(ref _status);
        }
        while (Interlocked.CompareExchange(ref _status, status | Closed, status) != status);

        while (_unstashed is { Count: > 0 })
        {
            var envelope = _unstashed.Pop();
            _cell.System.DeadLetter(envelope.Message, envelope.Sender, _cell.Self, "recipient stopped");
        }

        DrainUserToDeadLetters();
        DrainSystemAfterClose();
    }

    public void Execute()
    {
        var previous = ActorCell.Current;
        ActorCell.Current = _cell;
        try
        {
            ProcessSystemMessages();
            ProcessUserMessages();
        }
        finally
        {
            ActorCell.Current = previous;
            Unschedule();
        }
    }

    private void ProcessSystemMessages()
    {
        while (!IsClosed && _system.TryDequeue(out var message))
        {
            _cell.SystemInvoke(message);
        }
    }

    private void ProcessUserMessages()
    {
        for (var left = _throughput; left > 0; left--)
        {
            if (IsClosed || SuspendCount > 0 || _dispatcher.YieldRequested)
            {
                return;
            }

            Envelope envelope;
            if (_unstashed is { Count: > 0 })
            {
                envelope = _unstashed.Pop();
            }
            else if (_user.TryDequeue(out envelope))
            {
                if (_capacity > 0)
                {
                    Interlocked.Decrement(ref _userCount);
                }
            }
            else
            {
                return;
            }

            _cell.Invoke(envelope);
            if (!_system.IsEmpty)
            {
                ProcessSystemMessages();
            }
        }
    }

    private void Unschedule()
    {
        int status;
        do
        {
            status = Volatile.Read(ref _status);
        }
        while (Interlocked.CompareExchange(ref _status, status & ~Scheduled, status) != status);

        // A message may have arrived after we stopped looking but before we cleared the flag:
        // its poster saw "scheduled" and left it to us, so look once more.
        if (HasWork())
        {
            TrySchedule();
        }
    }

    private bool HasWork()
    {
        if (IsClosed)
        {
            return false;
        }

        if (!_system.IsEmpty)
        {
            return true;
        }

        return SuspendCount == 0 && (!_user.IsEmpty || _unstashed is { Count: > 0 });
    }

    private void TrySchedule()
    {
        while (true)
        {
            var status = Volatile.Read(ref _status);
            if ((status & (Scheduled | Closed)) != 0)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _status, status | Scheduled, status) == status)
            {
                _dispatcher.Schedule(this);
                return;
            }
        }
    }

    private void DrainUserToDeadLetters()
    {
        while (_user.TryDequeue(out var envelope))
        {
            if (_capacity > 0)
            {
                Interlocked.Decrement(ref _userCount);
            }

            _cell.System.DeadLetter(envelope.Message, envelope.Sender, _cell.Self, "recipient stopped");
        }
    }

    private void DrainSystemAfterClose()
    {
        while (_system.TryDequeue(out var message))
        {
            _cell.System.SystemMessageToDeadActor(_cell.Self, message);
        }
    }
}

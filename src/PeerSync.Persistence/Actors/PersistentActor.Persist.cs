using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Model;

namespace PeerSync.Persistence;

public abstract partial class PersistentActor
{
    // Calls made by the user code running now, issued to the journal when it returns (so all the
    // Persist calls of one command go out together and group commit can batch them).
    private readonly List<PendingWrite> _batch = [];

    // Issued (or rejected, or deferred) calls whose handlers have not run, in journal order.
    private readonly Queue<PendingWrite> _pending = new();

    // Persist/PersistAll calls in _batch and _pending: while any is there, commands wait.
    private int _holdingCount;

    // PersistAsync/PersistAllAsync writes in _pending: beyond the bound, commands wait too.
    private int _asyncWriteCount;

    // A RunTask loop is holding the mailbox and running handlers as writes complete.
    private bool _pumping;

    // A CommandAsync handler is running (the mailbox is held by its task).
    private bool _inAsyncCommand;

    private long _nextSequenceNr = 1;
    private Task? _lastWrite;
    private Task? _triggerArmedOn;

    /// <summary>
    /// Writes <paramref name="event"/>, then runs <paramref name="handler"/> with it on this actor's
    /// turn, with Sender the current command's sender. Until the handler has run, this actor takes
    /// no other command: they wait in its mailbox, in order. If the event cannot be serialized,
    /// <see cref="OnPersistRejected"/> is called instead and the actor goes on; if the write fails,
    /// <see cref="OnPersistFailure"/> is called and the actor stops.
    /// </summary>
    protected void Persist<TEvent>(TEvent @event, Action<TEvent> handler)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(@event);
        Add([@event], handler, holdsCommands: true);
    }

    /// <summary>
    /// Writes <paramref name="events"/> as one atomic write (all stored or none), then runs
    /// <paramref name="handler"/> for each in order; commands wait as for <see cref="Persist{TEvent}"/>.
    /// If one event cannot be serialized, none is written and none handled. An empty list does nothing.
    /// </summary>
    protected void PersistAll<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler)
        where TEvent : notnull
    {
        var array = ToArray(events);
        if (array.Length > 0)
        {
            Add(array, handler, holdsCommands: true);
        }
    }

    /// <summary>
    /// As <see cref="Persist{TEvent}"/>, but commands do not wait: they are processed while the
    /// write is in flight. Handlers of all persist calls still run in the order of the calls.
    /// </summary>
    protected void PersistAsync<TEvent>(TEvent @event, Action<TEvent> handler)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(@event);
        Add([@event], handler, holdsCommands: false);
    }

    /// <summary>As <see cref="PersistAll{TEvent}"/> (atomic), without holding commands.</summary>
    protected void PersistAllAsync<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler)
        where TEvent : notnull
    {
        var array = ToArray(events);
        if (array.Length > 0)
        {
            Add(array, handler, holdsCommands: false);
        }
    }

    /// <summary>
    /// Runs <paramref name="handler"/> with <paramref name="event"/> after the handlers of every
    /// persist call made before, without writing anything (for example to reply once earlier
    /// PersistAsync events are stored). With nothing pending it runs at once.
    /// </summary>
    protected void DeferAsync<TEvent>(TEvent @event, Action<TEvent> handler)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(handler);
        CheckCanPersist(nameof(DeferAsync));
        if (_batch.Count == 0 && _pending.Count == 0)
        {
            handler(@event);
            return;
        }

        _batch.Add(new PendingWrite([@event], e => handler((TEvent)e), holdsCommands: false, deferred: true, _origin));
    }

    /// <summary>
    /// The write of <paramref name="event"/> (sequence nr <paramref name="sequenceNr"/>) failed in the
    /// journal: its outcome is unknown. The default logs an error naming the persistence id and
    /// sequence nr. The actor is stopped after this call whatever it does: the journal refuses
    /// further writes of this id until it recovers, so a supervisor (BackoffSupervisor) restarts it.
    /// </summary>
    protected virtual void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        PersistentActorLog.PersistFailed(Log, cause, @event.GetType().Name, _id.ToString(), sequenceNr);

    /// <summary>
    /// <paramref name="event"/> could not be serialized, so it was never written: its handler does
    /// not run, <paramref name="sequenceNr"/> (the number it would have had) is not used, and the
    /// actor goes on. The default logs a warning.
    /// </summary>
    protected virtual void OnPersistRejected(Exception cause, object @event, long sequenceNr) =>
        PersistentActorLog.PersistRejected(Log, cause, @event.GetType().Name, _id.ToString(), sequenceNr, cause.Message);

    private static object[] ToArray<TEvent>(IEnumerable<TEvent> events)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(events);
        var array = events.Cast<object>().ToArray();
        for (var i = 0; i < array.Length; i++)
        {
            if (array[i] is null)
            {
                throw new ArgumentException($"event {i} of the list is null", nameof(events));
            }
        }

        return array;
    }

    private void Add<TEvent>(object[] events, Action<TEvent> handler, bool holdsCommands)
    {
        ArgumentNullException.ThrowIfNull(handler);
        CheckCanPersist(holdsCommands ? "Persist" : "PersistAsync");
        _batch.Add(new PendingWrite(events, e => handler((TEvent)e), holdsCommands, deferred: false, _origin));
        if (holdsCommands)
        {
            _holdingCount++;
        }
    }

    private void CheckCanPersist(string operation)
    {
        switch (_phase)
        {
            case Phase.Processing:
                return;
            case Phase.Recovering:
                throw new InvalidOperationException(
                    $"{operation} of persistence id '{_id}' during recovery: recovery handlers only rebuild state; persist from a command handler (RecoveryCompleted is the first command)");
            default:
                throw new InvalidOperationException($"{operation} of persistence id '{_id}' after the actor stopped or failed");
        }
    }

    /// <summary>
    /// Called when user code on the processing path returns (a command handler, or a handler run by
    /// a trigger): issue its persist calls, run the handlers of whatever is already confirmed, then
    /// hold the mailbox while a Persist is unconfirmed, or arm a trigger for PersistAsync writes.
    /// </summary>
    private void AfterHandler()
    {
        if (_inAsyncCommand || _pumping || _phase != Phase.Processing)
        {
            // The async command or the pump running now does this when it gets control back.
            return;
        }

        Flush();
        Drain();
        if (_phase != Phase.Processing)
        {
            return;
        }

        if (NeedsHold())
        {
            RunTask(PumpAsync);
        }
        else
        {
            ArmTrigger();
        }
    }

    private void RunAsyncCommand(Func<Task> handler)
    {
        _inAsyncCommand = true;
        RunTask(async () =>
        {
            try
            {
                await handler();
            }
            finally
            {
                _inAsyncCommand = false;
            }

            if (_phase != Phase.Processing)
            {
                return;
            }

            Flush();
            Drain();
            if (NeedsHold())
            {
                await PumpAsync();
            }
            else if (_phase == Phase.Processing)
            {
                ArmTrigger();
            }
        });
    }

    private bool NeedsHold() => _holdingCount > 0 || _asyncWriteCount > Persistence.Settings.MaxPendingAsyncWrites;

    /// <summary>
    /// Holds the mailbox (it runs under RunTask) until no Persist is unconfirmed and the PersistAsync
    /// backlog is within bounds, running handlers in order as writes complete. Each await resumes
    /// on the actor's turn; with a store that completes synchronously nothing is ever awaited.
    /// </summary>
    private async Task PumpAsync()
    {
        _pumping = true;
        try
        {
            while (_phase == Phase.Processing && NeedsHold())
            {
                var head = _pending.Peek();
                if (!head.IsDone)
                {
                    await head.Write!.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing);
                }

                Drain();
            }
        }
        finally
        {
            _pumping = false;
        }

        if (_phase == Phase.Processing)
        {
            ArmTrigger();
        }
    }

    /// <summary>Issues the calls of <see cref="_batch"/> in order: serialize, number, write.</summary>
    private void Flush()
    {
        if (_batch.Count == 0)
        {
            return;
        }

        foreach (var entry in _batch)
        {
            _pending.Enqueue(entry);
            if (entry.Deferred)
            {
                continue;
            }

            entry.FirstSequenceNr = _nextSequenceNr;
            var events = new PersistentRepr[entry.Events.Length];
            try
            {
                var timestampMs = NowMs();
                for (var i = 0; i < events.Length; i++)
                {
                    events[i] = new PersistentRepr(_id, _nextSequenceNr + i, Serialization.Serialize(entry.Events[i]), timestampMs, Persistence.WriterId);
                }
            }
            catch (PayloadSerializationException e)
            {
                // Never written, so its sequence nrs stay free for the next event.
                entry.Rejection = e;
                continue;
            }

            _nextSequenceNr += events.Length;
            entry.Write = Write(new AtomicWrite(events));
            _lastWrite = entry.Write;
            if (!entry.HoldsCommands)
            {
                _asyncWriteCount++;
            }
        }

        _batch.Clear();
    }

    private Task Write(AtomicWrite write)
    {
        try
        {
            return Journal.WriteAsync(write);
        }
        catch (Exception e)
        {
            // A journal that throws instead of returning a faulted task (disposed, bad state) is a
            // failed write like any other.
            return Task.FromException(e);
        }
    }

    /// <summary>Runs the handlers of the oldest pending calls whose writes are done, in order.</summary>
    private void Drain()
    {
        while (_phase == Phase.Processing && _pending.TryPeek(out var head) && head.IsDone)
        {
            _pending.Dequeue();
            if (head.HoldsCommands)
            {
                _holdingCount--;
            }
            else if (head.Write is not null)
            {
                _asyncWriteCount--;
            }

            Complete(head);
            Flush();
        }
    }

    private void Complete(PendingWrite entry)
    {
        if (entry.Rejection is { } rejection)
        {
            for (var i = 0; i < entry.Events.Length; i++)
            {
                var index = i;
                RunFor(entry, () => OnPersistRejected(rejection, entry.Events[index], entry.FirstSequenceNr + index));
            }

            return;
        }

        if (entry.Write is { IsCompletedSuccessfully: false } failed)
        {
            var cause = failed.Exception?.InnerExceptions is [var single] ? single : (Exception?)failed.Exception ?? new TaskCanceledException(failed);
            _phase = Phase.Stopping;
            try
            {
                RunFor(entry, () => OnPersistFailure(cause, entry.Events[0], entry.FirstSequenceNr));
            }
            finally
            {
                Context.Stop(Self);
            }

            return;
        }

        for (var i = 0; i < entry.Events.Length && _phase == Phase.Processing; i++)
        {
            if (!entry.Deferred)
            {
                LastSequenceNr = entry.FirstSequenceNr + i;
            }

            var index = i;
            RunFor(entry, () => entry.Handler(entry.Events[index]));
        }
    }

    /// <summary>Runs <paramref name="action"/> on behalf of the command that made <paramref name="entry"/> (its Sender, its Persist calls' origin).</summary>
    private void RunFor(PendingWrite entry, Action action)
    {
        var previous = _origin;
        _origin = entry.Origin;
        try
        {
            if (entry.Origin.Message is null)
            {
                action();
            }
            else
            {
                RunOnBehalfOf(entry.Origin.Message, entry.Origin.Sender, action);
            }
        }
        finally
        {
            _origin = previous;
        }
    }

    /// <summary>
    /// Makes sure the actor hears when its unconfirmed PersistAsync writes complete. Journals
    /// complete writes in call order, so one continuation on the last write covers all of them.
    /// </summary>
    private void ArmTrigger()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var target = _lastWrite is { IsCompleted: false } last ? last : _pending.FirstOrDefault(p => !p.IsDone)?.Write;
        if (target is null || ReferenceEquals(target, _triggerArmedOn))
        {
            return;
        }

        _triggerArmedOn = target;
        target.ContinueWith(
            static (_, self) => ((IActorRef)self!).Tell(WritesCompleted.Instance, null),
            Self,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnWritesCompleted()
    {
        if (_phase != Phase.Processing || _pumping)
        {
            // A trigger for an earlier instance or for writes the pump has handled already.
            return;
        }

        AfterHandler();
    }
}

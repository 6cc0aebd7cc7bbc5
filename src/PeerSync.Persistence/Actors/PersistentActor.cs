using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Journal;
using PeerSync.Persistence.Model;
using PeerSync.Persistence.Snapshots;

namespace PeerSync.Persistence;

/// <summary>
/// An event-sourced actor with Akka's ReceivePersistentActor shape. Register command handlers
/// (<see cref="Command{T}(Action{T}, Predicate{T}?)"/>) and recovery handlers
/// (<see cref="Recover{T}(Action{T}, Predicate{T}?)"/>) in the constructor; change state only in
/// event handlers, which run both after <see cref="Persist{TEvent}"/> and during recovery.
/// </summary>
/// <remarks>
/// States: recovering (latest snapshot, then events; commands wait) → processing → while a
/// Persist/PersistAll is unconfirmed, commands wait in the mailbox, in order → processing ...
/// Journal results come back on the actor's own turn. Design, failure rules and the differences
/// from Akka: docs/design/persistence.md ("Persistent actor"). Split by concern: Persist,
/// Recovery, Snapshots.
/// </remarks>
public abstract partial class PersistentActor : ActorBase
{
    private readonly HandlerList _recoveryHandlers = new();
    private readonly Stack<HandlerList> _behaviours = new();
    private HandlerList _commands = new();
    private HandlerList? _building;
    private bool _registrationOpen = true;
    private Phase _phase = Phase.Recovering;

    // The message (and sender) the user code running now acts for: a command, or for a persist
    // handler the command that persisted its event. Persist calls capture it.
    private Envelope _origin;

    private PersistenceExtension? _extension;
    private PersistenceId _id;

    protected PersistentActor() => _building = _commands;

    private enum Phase
    {
        /// <summary>Loading the snapshot and replaying events; commands wait.</summary>
        Recovering,

        /// <summary>Taking commands (which may still wait while a Persist is unconfirmed).</summary>
        Processing,

        /// <summary>A write or the recovery failed; the stop is on its way and no handler runs any more.</summary>
        Stopping,

        /// <summary>This instance stopped or was replaced by a restart; late completions are ignored.</summary>
        Retired,
    }

    /// <summary>The stream this actor's events belong to. Read once, when the actor starts.</summary>
    public abstract PersistenceId PersistenceId { get; }

    /// <summary>
    /// The sequence nr of the last event persisted and handled (during recovery: the last one
    /// replayed). After recovery it is the highest sequence nr stored, even if events were deleted.
    /// </summary>
    public long LastSequenceNr { get; private set; }

    /// <summary>The sequence nr a snapshot saved now is taken at: <see cref="LastSequenceNr"/>.</summary>
    public long SnapshotSequenceNr => LastSequenceNr;

    /// <summary>True until the snapshot and events are replayed (recovery handlers are running).</summary>
    public bool IsRecovering => _phase == Phase.Recovering;

    /// <summary>How this actor recovers; override to start from another snapshot or stop early. Read once at start.</summary>
    protected virtual Recovery Recovery => Recovery.Default;

    /// <summary>The persistence of this actor's system (available from PreStart on).</summary>
    protected PersistenceExtension Persistence => _extension ??= Context.System.Persistence();

    private IJournal Journal => Persistence.Journal;

    private ISnapshotStore SnapshotStore => Persistence.SnapshotStore;

    private SerializationRegistry Serialization => Persistence.Serialization;

    /// <summary>Handles commands of type <typeparamref name="T"/> (for which <paramref name="shouldHandle"/> holds).</summary>
    protected void Command<T>(Action<T> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddCommand(message =>
        {
            if (message is T typed && (shouldHandle is null || shouldHandle(typed)))
            {
                handler(typed);
                return true;
            }

            return false;
        });
    }

    protected void Command<T>(Predicate<T> shouldHandle, Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(shouldHandle);
        Command(handler, shouldHandle);
    }

    /// <summary>A command handler that decides itself whether it handled the message.</summary>
    protected void Command<T>(Func<T, bool> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddCommand(message => message is T typed && handler(typed));
    }

    /// <summary>
    /// An async command handler: no other command runs until its task completes; awaits resume on
    /// the actor. Events it persists are written when the task completes, and commands keep
    /// waiting until their Persist handlers have run. A faulted task fails the actor.
    /// </summary>
    protected void CommandAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddCommand(message =>
        {
            if (message is T typed && (shouldHandle is null || shouldHandle(typed)))
            {
                RunAsyncCommand(() => handler(typed));
                return true;
            }

            return false;
        });
    }

    protected void CommandAny(Action<object> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddCommand(message =>
        {
            handler(message);
            return true;
        });
    }

    /// <summary>
    /// Handles replayed events of type <typeparamref name="T"/>, and <see cref="SnapshotOffer"/>.
    /// Recovery handlers only rebuild state: they may not persist, and a failure in one stops the
    /// actor (its state would be wrong).
    /// </summary>
    protected void Recover<T>(Action<T> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        CheckRegistrationOpen();
        _recoveryHandlers.Add(message =>
        {
            if (message is T typed && (shouldHandle is null || shouldHandle(typed)))
            {
                handler(typed);
                return true;
            }

            return false;
        });
    }

    protected void RecoverAny(Action<object> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        CheckRegistrationOpen();
        _recoveryHandlers.Add(message =>
        {
            handler(message);
            return true;
        });
    }

    /// <summary>Replaces the command handlers with those <paramref name="configure"/> registers.</summary>
    protected void Become(Action configure)
    {
        _behaviours.Clear();
        _commands = BuildCommands(configure);
    }

    /// <summary>Pushes command handlers built by <paramref name="configure"/>; <see cref="Unbecome"/> returns to the previous ones.</summary>
    protected void BecomeStacked(Action configure)
    {
        var next = BuildCommands(configure);
        _behaviours.Push(_commands);
        _commands = next;
    }

    protected void Unbecome()
    {
        if (_behaviours.Count > 0)
        {
            _commands = _behaviours.Pop();
        }
    }

    protected sealed override bool Receive(object message)
    {
        if (message is WritesCompleted)
        {
            OnWritesCompleted();
            return true;
        }

        if (_phase != Phase.Processing)
        {
            // Commands wait in the mailbox during recovery, so only a stopping (failed) actor gets
            // here; the stop is already on its way.
            Context.System.DeadLetter(message, Sender, Self, $"persistent actor '{_id}' is stopping after a failure");
            return true;
        }

        _origin = new Envelope(message, Sender);
        var handled = _commands.TryHandle(message) || HandleUnhandledReply(message);
        AfterHandler();
        return handled;
    }

    protected override void AroundPreStart()
    {
        base.AroundPreStart();
        StartRecovery();
    }

    protected override void AroundPostRestart(Exception reason)
    {
        base.AroundPostRestart(reason);
        StartRecovery();
    }

    protected override void AroundPreRestart(Exception reason, object? message)
    {
        Retire();
        base.AroundPreRestart(reason, message);
    }

    protected override void AroundPostStop()
    {
        Retire();
        base.AroundPostStop();
    }

    /// <summary>
    /// This instance is done (stopped, or replaced by a restart): completions still in flight must
    /// not run its handlers, and the next incarnation must wait for its unconfirmed writes.
    /// </summary>
    private void Retire()
    {
        if (_phase == Phase.Retired)
        {
            return;
        }

        _phase = Phase.Retired;
        _recoveryCancellation?.Cancel();
        _extension?.RecoveryPermits.Release(this);
        if (_extension is not null && _lastWrite is { IsCompleted: false } write)
        {
            _extension.TrackUnsettledWrite(_id, write);
        }
    }

    private void AddCommand(Func<object, bool> handler)
    {
        var target = _building ?? throw new InvalidOperationException(
            $"{GetType().Name}: command handlers can only be registered in the constructor or inside Become/BecomeStacked");
        target.Add(handler);
    }

    private void CheckRegistrationOpen()
    {
        if (!_registrationOpen)
        {
            throw new InvalidOperationException($"{GetType().Name}: recovery handlers can only be registered in the constructor or PreStart");
        }
    }

    private HandlerList BuildCommands(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var previous = _building;
        var next = new HandlerList();
        _building = next;
        try
        {
            configure();
        }
        finally
        {
            _building = previous;
        }

        return next;
    }

    /// <summary>
    /// Replies to this actor's own requests that no command handler took: failures are logged (a
    /// snapshot that silently fails to save would be found out only at the next recovery),
    /// successes and <see cref="RecoveryCompleted"/> need no handler.
    /// </summary>
    private bool HandleUnhandledReply(object message)
    {
        switch (message)
        {
            case RecoveryCompleted or SaveSnapshotSuccess or DeleteSnapshotSuccess or DeleteSnapshotsSuccess or DeleteMessagesSuccess:
                return true;
            case SaveSnapshotFailure f:
                LogUnhandledFailure($"Saving the snapshot at sequence nr {f.Metadata.SequenceNr}", nameof(SaveSnapshotFailure), f.Cause);
                return true;
            case DeleteSnapshotFailure f:
                LogUnhandledFailure($"Deleting the snapshot at sequence nr {f.Metadata.SequenceNr}", nameof(DeleteSnapshotFailure), f.Cause);
                return true;
            case DeleteSnapshotsFailure f:
                LogUnhandledFailure($"Deleting snapshots up to sequence nr {f.Criteria.MaxSequenceNr}", nameof(DeleteSnapshotsFailure), f.Cause);
                return true;
            case DeleteMessagesFailure f:
                LogUnhandledFailure($"Deleting events up to sequence nr {f.ToSequenceNr}", nameof(DeleteMessagesFailure), f.Cause);
                return true;
            default:
                return false;
        }
    }

    private void LogUnhandledFailure(string operation, string reply, Exception cause) =>
        PersistentActorLog.UnhandledFailureReply(Log, cause, operation, _id.ToString(), reply, cause.Message);

    private long NowMs() => Context.System.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}

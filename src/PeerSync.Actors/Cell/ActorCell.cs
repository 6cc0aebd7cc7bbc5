using Microsoft.Extensions.Logging;

namespace PeerSync.Actors;

/// <summary>
/// The runtime state of one actor: its instance, mailbox, children, watchers, timers and stash.
/// Everything here runs on the actor's own turn (one thread at a time) except where a lock says
/// otherwise (the children container, which parents and the system touch from outside).
/// Split by concern: Dispatch, Lifecycle, Supervision, DeathWatch, Children, Async.
/// </summary>
internal sealed partial class ActorCell : IActorContext
{
    [ThreadStatic]
    private static ActorCell? _current;

    private readonly LocalActorRef _self;
    private ActorBase? _actor;
    private bool _creatingInstance;
    private Envelope _currentEnvelope;
    private Stack<Receive>? _behaviours;
    private TimerScheduler? _timers;
    private ActorStash? _stash;
    private ILogger? _log;
    private volatile bool _isTerminated;

    public ActorCell(ActorSystem system, ActorPath path, Props props, IInternalActorRef parent, MessageDispatcher dispatcher)
    {
        System = system;
        Props = props;
        Parent = parent;
        _self = new LocalActorRef(this, path);
        Mailbox = new Mailbox(this, dispatcher, system.Settings.Throughput, props.MailboxCapacity);
    }

    /// <summary>The cell whose mailbox is being processed on this thread.</summary>
    public static ActorCell? Current
    {
        get => _current;
        set => _current = value;
    }

    public ActorSystem System { get; }

    public Props Props { get; }

    public Mailbox Mailbox { get; }

    public LocalActorRef SelfRef => _self;

    public IActorRef Self => _self;

    public IInternalActorRef Parent { get; }

    IActorRef IActorContext.Parent => Parent;

    public IActorRef Sender => _currentEnvelope.Sender ?? System.DeadLetters;

    public bool IsTerminated => _isTerminated;

    public ActorBase? Actor => _actor;

    public ITimerScheduler Timers => _timers ??= new TimerScheduler(this);

    public ILogger Log => _log ??= System.CreateActorLogger(Props.ActorType, _self.Path);

    /// <summary>The current message (null outside message processing).</summary>
    public object? CurrentMessage => _currentEnvelope.Message;

    internal Envelope CurrentEnvelope => _currentEnvelope;

    public void Become(Receive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        _behaviours ??= new Stack<Receive>();
        _behaviours.Clear();
        _behaviours.Push(receive);
    }

    public void BecomeStacked(Receive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        _behaviours ??= new Stack<Receive>();
        _behaviours.Push(receive);
    }

    public void Unbecome()
    {
        if (_behaviours is { Count: > 0 })
        {
            _behaviours.Pop();
        }
    }

    /// <summary>Called by the ActorBase constructor; only the instance this cell is creating may bind.</summary>
    internal void BindActor(ActorBase actor)
    {
        if (!_creatingInstance || _actor is not null)
        {
            throw new InvalidOperationException(
                $"{actor.GetType().Name} must be created by the actor system (ActorOf with Props), not with 'new' directly");
        }

        _actor = actor;
    }

    internal void PublishUnhandled(object message)
    {
        var sender = _currentEnvelope.Sender ?? System.DeadLetters;
        System.EventStream.Publish(new UnhandledMessage(message, sender, Self));
        if (Log.IsEnabled(LogLevel.Debug))
        {
            Log.LogDebug("Unhandled message {MessageType} from {Sender}", message.GetType().Name, sender.Path);
        }
    }

    private ActorBase CreateInstance()
    {
        _actor = null;
        _creatingInstance = true;
        try
        {
            var instance = Props.Factory();
            if (!ReferenceEquals(instance, _actor))
            {
                throw new InvalidOperationException(
                    $"the Props factory for {_self.Path} returned an actor it did not create just now; return a new instance");
            }

            if (instance is IWithStash withStash)
            {
                // One stash per cell, kept across restarts so nothing stashed is lost.
                _stash ??= new ActorStash(this, Props.StashCapacity ?? System.Settings.StashCapacity);
                withStash.Stash = _stash;
            }

            return instance;
        }
        finally
        {
            _creatingInstance = false;
        }
    }

    private void UnstashAllForRestart() => _stash?.UnstashAll();

    private void DropStash()
    {
        if (_stash is null)
        {
            return;
        }

        foreach (var envelope in _stash.Drain())
        {
            System.DeadLetter(envelope.Message, envelope.Sender, Self, "recipient stopped (message was stashed)");
        }
    }
}

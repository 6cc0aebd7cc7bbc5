using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PeerSync.Actors;

/// <summary>
/// A hierarchy of actors with shared configuration: `/user` holds the application's actors,
/// `/system` the runtime's (remoting, cluster, sync). Create one per node; terminate it to stop
/// every actor (children before parents, /user before /system).
/// </summary>
public sealed partial class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell _root;
    private readonly ActorCell _userGuardian;
    private readonly ActorCell _systemGuardian;
    private readonly DeadLetterActorRef _deadLetters;
    private readonly Scheduler _scheduler;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<Type, object> _extensions = new();
    private readonly ConcurrentDictionary<string, IInternalActorRef> _tempActors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, ILogger> _loggers = new();
    private readonly ActorPath _tempPath;
    private long _nextUid;
    private long _nextTempId;
    private long _deadLetterCount;

    private ActorSystem(string name, ActorSystemSettings settings)
    {
        settings.Validate();
        Name = name;
        Settings = settings;
        TimeProvider = settings.DeterministicScheduler?.Time ?? settings.TimeProvider;
        Dispatcher = settings.DeterministicScheduler ?? settings.Dispatcher ?? ThreadPoolDispatcher.Instance;
        LoggerFactory = settings.LoggerFactory;
        Log = LoggerFactory.CreateLogger("PeerSync.Actors.ActorSystem");
        Address = settings.Address ?? Address.Local(name);
        if (Address.System != name)
        {
            throw new ArgumentException($"the address's system name '{Address.System}' differs from the system name '{name}'", nameof(settings));
        }

        EventStream = new EventStream();
        _scheduler = new Scheduler(TimeProvider, Log);
        var rootPath = ActorPath.Root(Address);
        _deadLetters = new DeadLetterActorRef(this, rootPath.Child("deadLetters"));
        _tempPath = rootPath.Child("temp");

        _root = new ActorCell(this, rootPath.WithUid(NextUid()), Props.Create(() => new RootGuardian()), new RootParent(this, rootPath), Dispatcher);
        _userGuardian = _root.CreateChild(Props.Create(() => new Guardian(settings.GuardianSupervisorStrategy)), "user", reservedAllowed: true).Cell;
        _systemGuardian = _root.CreateChild(Props.Create(() => new Guardian(SupervisorStrategy.Default)), "system", reservedAllowed: true).Cell;
        _root.Start();
    }

    public string Name { get; }

    public ActorSystemSettings Settings { get; }

    public Address Address { get; }

    public TimeProvider TimeProvider { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The runtime's own log (supervision decisions, dead letters).</summary>
    public ILogger Log { get; }

    public EventStream EventStream { get; }

    public IActorRef DeadLetters => _deadLetters;

    public IScheduler Scheduler => _scheduler;

    /// <summary>Dead letters since start (counted even when not logged).</summary>
    public long DeadLetterCount => Interlocked.Read(ref _deadLetterCount);

    /// <summary>Completes when every actor has stopped.</summary>
    public Task WhenTerminated => _terminated.Task;

    public bool IsTerminated => _terminated.Task.IsCompleted;

    internal MessageDispatcher Dispatcher { get; }

    /// <summary>Creates a system; its name appears in every actor path and must be a valid actor name.</summary>
    public static ActorSystem Create(string name, ActorSystemSettings? settings = null)
    {
        if (!ActorNames.IsValid(name, allowReserved: false, out var error) || name.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"invalid actor system name '{name}': {error ?? "'.' is not allowed"}", nameof(name));
        }

        return new ActorSystem(name, settings ?? ActorSystemSettings.Default);
    }

    /// <summary>Creates a top-level application actor under `/user`.</summary>
    public IActorRef ActorOf(Props props, string? name = null)
    {
        EnsureRunning();
        return _userGuardian.ActorOf(props, name);
    }

    /// <summary>Creates a runtime actor under `/system` (remoting, cluster, sync).</summary>
    public IActorRef SystemActorOf(Props props, string? name = null)
    {
        EnsureRunning();
        return _systemGuardian.ActorOf(props, name);
    }

    /// <summary>Stops an actor (asynchronously: watch it to know when it has stopped).</summary>
    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is IInternalActorRef target)
        {
            target.SendSystemMessage(new TerminateActor());
        }
    }

    /// <summary>Stops every actor, /user first, then /system. Returns <see cref="WhenTerminated"/>.</summary>
    public Task Terminate()
    {
        _userGuardian.SelfRef.SendSystemMessage(new TerminateActor());
        return WhenTerminated;
    }

    public async ValueTask DisposeAsync()
    {
        if (Settings.DeterministicScheduler is { } scheduler)
        {
            // Nobody else runs a deterministic system's actors: drive the shutdown here.
            _ = Terminate();
            scheduler.RunUntilIdle();
            return;
        }

        await Terminate().ConfigureAwait(false);
    }

    /// <summary>A snapshot of the live actors, from the root.</summary>
    public ActorHierarchyNode Hierarchy() => _root.Snapshot();

    public T GetOrAddExtension<T>(Func<ActorSystem, T> factory)
        where T : class =>
        (T)_extensions.GetOrAdd(typeof(T), _ => factory(this));

    public T? GetExtension<T>()
        where T : class =>
        _extensions.TryGetValue(typeof(T), out var extension) ? (T)extension : null;

    public override string ToString() => Address.ToString();

    internal long NextUid() => Interlocked.Increment(ref _nextUid);

    internal ILogger CreateActorLogger(Type actorType, ActorPath path) =>
        new ActorLogger(_loggers.GetOrAdd(actorType, t => LoggerFactory.CreateLogger(t.FullName ?? t.Name)), path.ToStringWithoutAddress());

    internal ActorPath NewTempPath() => _tempPath.Child("$" + Interlocked.Increment(ref _nextTempId).ToString(System.Globalization.CultureInfo.InvariantCulture), NextUid());

    internal void RegisterTempActor(IInternalActorRef actor) => _tempActors[actor.Path.Name] = actor;

    internal void UnregisterTempActor(IInternalActorRef actor) => _tempActors.TryRemove(actor.Path.Name, out _);

    private void EnsureRunning()
    {
        if (IsTerminated || _userGuardian.IsTerminating)
        {
            throw new InvalidOperationException($"actor system {Name} is terminating or terminated; no actors can be created");
        }
    }

    private void OnRootTerminated()
    {
        _scheduler.Stop();
        _terminated.TrySetResult();
    }
}

using Microsoft.Extensions.Logging;

namespace PeerSync.Actors;

/// <summary>When the backoff supervisor re-creates its child.</summary>
public enum BackoffMode
{
    /// <summary>When the child fails (it is stopped instead of restarted in place) or stops.</summary>
    OnFailure,

    /// <summary>Only when the child stops; failures go through the default restart-in-place.</summary>
    OnStop,
}

/// <summary>Options of a <see cref="BackoffSupervisor"/>.</summary>
public sealed record BackoffOptions(Props ChildProps, string ChildName, BackoffPolicy Policy)
{
    public BackoffMode Mode { get; init; } = BackoffMode.OnFailure;

    /// <summary>The child counts as stable after running this long: the next failure starts from the minimum delay again.</summary>
    public TimeSpan ResetAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Give up (and stop the supervisor) after this many consecutive restarts; null: never.</summary>
    public int? MaxRestarts { get; init; }

    /// <summary>Seed of the jitter; a fixed seed makes the delays reproducible.</summary>
    public int? JitterSeed { get; init; }
}

/// <summary>
/// Keeps one child alive, re-creating it with exponential backoff and jitter when it fails or
/// stops (for example a link that keeps failing to connect). Messages are forwarded to the child;
/// while it is down they go to dead letters with the reason. Answers <see cref="BackoffSupervisor.GetCurrentChild"/>
/// and <see cref="BackoffSupervisor.GetRestartCount"/>; <see cref="BackoffSupervisor.Reset"/> zeroes the backoff.
/// </summary>
public sealed class BackoffSupervisor : ActorBase
{
    private readonly BackoffOptions _options;
    private readonly Random _random;
    private IActorRef? _child;
    private int _restartCount;

    public BackoffSupervisor(BackoffOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _random = options.JitterSeed is { } seed ? new Random(seed) : new Random();
    }

    public static Props Props(BackoffOptions options) => Actors.Props.Create(() => new BackoffSupervisor(options));

    protected internal override void PreStart() => StartChild();

    protected internal override bool Receive(object message)
    {
        switch (message)
        {
            case Terminated terminated when terminated.ActorRef.Equals(_child):
                _child = null;
                Timers.Cancel(ResetCount.Instance);
                ScheduleRestart();
                return true;
            case StartChildNow:
                StartChild();
                return true;
            case ResetCount or Reset:
                _restartCount = 0;
                return true;
            case GetCurrentChild:
                Sender.Tell(new CurrentChild(_child), Self);
                return true;
            case GetRestartCount:
                Sender.Tell(new RestartCount(_restartCount), Self);
                return true;
            default:
                if (_child is not null)
                {
                    _child.Tell(message, Sender);
                }
                else
                {
                    Context.System.DeadLetter(message, Sender, Self, $"backoff supervisor: child '{_options.ChildName}' is restarting");
                }

                return true;
        }
    }

    protected internal override SupervisorStrategy SupervisorStrategy() =>
        _options.Mode == BackoffMode.OnFailure
            ? new OneForOneStrategy(e => Directive.Stop)
            : Actors.SupervisorStrategy.Default;

    private void StartChild()
    {
        _child = Context.Watch(Context.ActorOf(_options.ChildProps, _options.ChildName));
        Timers.StartSingleTimer(ResetCount.Instance, ResetCount.Instance, _options.ResetAfter);
    }

    private void ScheduleRestart()
    {
        if (_options.MaxRestarts is { } max && _restartCount >= max)
        {
            Log.LogError("Child {ChildName} stopped {Restarts} times in a row; giving up", _options.ChildName, _restartCount);
            Context.Stop(Self);
            return;
        }

        var delay = _options.Policy.Delay(_restartCount, _random.NextDouble());
        _restartCount++;
        Log.LogDebug("Child {ChildName} stopped; restart {Attempt} in {Delay}", _options.ChildName, _restartCount, delay);
        Timers.StartSingleTimer(StartChildNow.Instance, StartChildNow.Instance, delay);
    }

    /// <summary>Asks for the current child; the answer is <see cref="CurrentChild"/>.</summary>
    public sealed class GetCurrentChild
    {
        public static readonly GetCurrentChild Instance = new();
    }

    public sealed record CurrentChild(IActorRef? Ref);

    /// <summary>Asks for the consecutive restarts so far; the answer is <see cref="RestartCount"/>.</summary>
    public sealed class GetRestartCount
    {
        public static readonly GetRestartCount Instance = new();
    }

    public sealed record RestartCount(int Count);

    /// <summary>Zeroes the backoff, e.g. after an operator fixed the cause.</summary>
    public sealed class Reset
    {
        public static readonly Reset Instance = new();
    }

    private sealed class StartChildNow
    {
        public static readonly StartChildNow Instance = new();
    }

    private sealed class ResetCount
    {
        public static readonly ResetCount Instance = new();
    }
}

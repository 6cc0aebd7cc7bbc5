namespace PeerSync.Actors;

/// <summary>
/// How a parent handles a failed child: a decider (a pure mapping from exception to directive),
/// a restart budget (<see cref="MaxNrOfRetries"/> within <see cref="WithinTimeRange"/>; exceeding it
/// stops the child), and which children a decision affects (one-for-one or all-for-one).
/// </summary>
public abstract class SupervisorStrategy
{
    /// <summary>Restart on exceptions; stop on initialization failures, Kill and death pacts. Unlimited restarts.</summary>
    public static readonly SupervisorStrategy Default = new OneForOneStrategy(DefaultDecider);

    /// <summary>Stop on every failure.</summary>
    public static readonly SupervisorStrategy StoppingStrategy = new OneForOneStrategy(_ => Directive.Stop);

    protected SupervisorStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider, bool loggingEnabled)
    {
        ArgumentNullException.ThrowIfNull(decider);
        if (withinTimeRange is { } window && window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(withinTimeRange), window, "the restart window must be positive");
        }

        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        Decider = decider;
        LoggingEnabled = loggingEnabled;
    }

    /// <summary>Restarts allowed within <see cref="WithinTimeRange"/>; negative: unlimited; 0: never restart.</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>The window restarts are counted in; null: since the child started.</summary>
    public TimeSpan? WithinTimeRange { get; }

    public Func<Exception, Directive> Decider { get; }

    /// <summary>Whether failures are logged (once, by the deciding supervisor). Default true.</summary>
    public bool LoggingEnabled { get; }

    public static Directive DefaultDecider(Exception cause) => cause switch
    {
        ActorInitializationException => Directive.Stop,
        ActorKilledException => Directive.Stop,
        DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    public Directive Decide(Exception cause) => Decider(cause);

    /// <summary>The children a Restart or Stop of <paramref name="failed"/> applies to.</summary>
    internal abstract IReadOnlyList<ChildEntry> AffectedChildren(ChildEntry failed, IReadOnlyList<ChildEntry> all);
}

/// <summary>A decision applies only to the child that failed.</summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    public OneForOneStrategy(Func<Exception, Directive> decider)
        : this(-1, null, decider)
    {
    }

    public OneForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider, bool loggingEnabled = true)
        : base(maxNrOfRetries, withinTimeRange, decider, loggingEnabled)
    {
    }

    internal override IReadOnlyList<ChildEntry> AffectedChildren(ChildEntry failed, IReadOnlyList<ChildEntry> all) => [failed];
}

/// <summary>A Restart or Stop applies to all children (Resume only to the failed one): for children that only make sense together.</summary>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    public AllForOneStrategy(Func<Exception, Directive> decider)
        : this(-1, null, decider)
    {
    }

    public AllForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider, bool loggingEnabled = true)
        : base(maxNrOfRetries, withinTimeRange, decider, loggingEnabled)
    {
    }

    internal override IReadOnlyList<ChildEntry> AffectedChildren(ChildEntry failed, IReadOnlyList<ChildEntry> all) =>
        all.Where(c => !c.Stopping).ToArray();
}

namespace PeerSync.Actors;

/// <summary>
/// How to create an actor: a factory plus deployment options. Immutable; the factory runs on every
/// (re)start, so it must produce a fresh instance each time.
/// </summary>
public sealed record Props
{
    private Props(Type actorType, Func<ActorBase> factory)
    {
        ActorType = actorType;
        Factory = factory;
    }

    public Type ActorType { get; }

    public Func<ActorBase> Factory { get; }

    /// <summary>Overrides the actor's own <see cref="ActorBase.SupervisorStrategy"/> for its children.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; init; }

    /// <summary>
    /// Bounds the mailbox to this many user messages; messages beyond it go to dead letters with
    /// the reason "mailbox full". Null: unbounded (the default, as in Akka).
    /// </summary>
    public int? MailboxCapacity { get; init; }

    /// <summary>Stash bound for actors that implement <see cref="IWithStash"/>; null uses the system setting.</summary>
    public int? StashCapacity { get; init; }

    public static Props Create<TActor>()
        where TActor : ActorBase, new() => new(typeof(TActor), static () => new TActor());

    public static Props Create<TActor>(Func<TActor> factory)
        where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new(typeof(TActor), factory);
    }

    public Props WithSupervisorStrategy(SupervisorStrategy strategy) => this with { SupervisorStrategy = strategy };

    public Props WithMailboxCapacity(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return this with { MailboxCapacity = capacity };
    }

    public Props WithStashCapacity(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return this with { StashCapacity = capacity };
    }
}

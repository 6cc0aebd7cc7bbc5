using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PeerSync.Actors;

/// <summary>Settings of an actor system. Every default is chosen for production use.</summary>
public sealed record ActorSystemSettings
{
    public static readonly ActorSystemSettings Default = new();

    /// <summary>All time (timers, scheduler, ask timeouts, supervision windows) comes from here.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>
    /// User messages an actor processes per turn before yielding its thread. Higher favours
    /// throughput, lower favours fairness between actors. Default 30, as in Akka.
    /// </summary>
    public int Throughput { get; init; } = 30;

    /// <summary>
    /// When set, every actor runs on this single-threaded scheduler under its manual clock
    /// (<see cref="TimeProvider"/> is then taken from it). Null: the .NET thread pool.
    /// </summary>
    public DeterministicScheduler? DeterministicScheduler { get; init; }

    /// <summary>
    /// Where mailboxes run when <see cref="DeterministicScheduler"/> is not set: null (the default)
    /// is the .NET thread pool; a <see cref="PausableDispatcher"/> lets a test freeze the node.
    /// </summary>
    public MessageDispatcher? Dispatcher { get; init; }

    /// <summary>Messages a stash may hold before Stash() throws. Default 10 000; bounded so a stuck actor cannot eat the heap.</summary>
    public int StashCapacity { get; init; } = 10_000;

    /// <summary>Timeout of Ask when the caller gives none. Default 10 s.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Dead letters logged before logging pauses (they are always counted and published).
    /// Default 10; 0 turns dead-letter logging off.
    /// </summary>
    public int LogDeadLetters { get; init; } = 10;

    /// <summary>After <see cref="LogDeadLetters"/> lines, logging pauses this long, then resumes. Default 5 min.</summary>
    public TimeSpan LogDeadLettersSuspendDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How `/user` supervises top-level actors. Default: restart on failure, stop on initialization errors.</summary>
    public SupervisorStrategy GuardianSupervisorStrategy { get; init; } = SupervisorStrategy.Default;

    /// <summary>The address this system advertises; null: local only. Set by the remote layer.</summary>
    public Address? Address { get; init; }

    internal void Validate()
    {
        if (Throughput < 1)
        {
            throw new ArgumentException($"Throughput must be at least 1, was {Throughput}", nameof(Throughput));
        }

        if (DeterministicScheduler is not null && Dispatcher is not null)
        {
            throw new ArgumentException("set either DeterministicScheduler or Dispatcher, not both: the deterministic scheduler is itself the dispatcher", nameof(Dispatcher));
        }

        if (StashCapacity < 1)
        {
            throw new ArgumentException($"StashCapacity must be at least 1, was {StashCapacity}", nameof(StashCapacity));
        }

        if (AskTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"AskTimeout must be positive, was {AskTimeout}", nameof(AskTimeout));
        }

        if (LogDeadLetters < 0)
        {
            throw new ArgumentException($"LogDeadLetters must not be negative, was {LogDeadLetters}", nameof(LogDeadLetters));
        }
    }
}

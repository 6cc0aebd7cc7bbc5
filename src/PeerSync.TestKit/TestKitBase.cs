using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace PeerSync.TestKit;

/// <summary>
/// Base class for actor tests: owns an actor system per test (shut down at the end), a default
/// probe (<see cref="TestActor"/>), log capture and event filters. Pass <c>deterministic: true</c>
/// to run every actor on one thread under virtual time (<see cref="Scheduler"/>, <see cref="Time"/>).
/// </summary>
public abstract class TestKitBase : IDisposable
{
    private readonly object _deadLettersLock = new();
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly IDisposable _deadLetterSubscription;
    private readonly Await _await;
    private bool _disposed;

    protected TestKitBase(
        ITestOutputHelper? output = null,
        bool deterministic = false,
        Func<ActorSystemSettings, ActorSystemSettings>? configure = null,
        string? systemName = null)
    {
        // Virtual time does not run slow on a loaded machine: a deterministic kit never stretches
        // its waits, so a bound it checks (Within, timeouts) means exactly what the test says.
        TestKitSettings = deterministic ? TestKitSettings.FromEnvironment() with { TimeFactor = 1.0 } : TestKitSettings.FromEnvironment();
        Logs = new LogCapture(output);
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        Scheduler = deterministic ? new DeterministicScheduler() : null;
        var settings = new ActorSystemSettings { LoggerFactory = LoggerFactory, DeterministicScheduler = Scheduler };
        settings = configure?.Invoke(settings) ?? settings;
        Sys = ActorSystem.Create(systemName ?? "test", settings);
        _deadLetterSubscription = Sys.EventStream.Subscribe<DeadLetter>(d =>
        {
            lock (_deadLettersLock)
            {
                _deadLetters.Add(d);
            }
        });
        _await = new Await(Sys, TestKitSettings);
        Probe = CreateTestProbe("testActor");
    }

    public ActorSystem Sys { get; }

    public TestKitSettings TestKitSettings { get; }

    public LogCapture Logs { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The single-threaded scheduler when the kit is deterministic; null otherwise.</summary>
    public DeterministicScheduler? Scheduler { get; }

    /// <summary>The virtual clock of a deterministic kit.</summary>
    public ManualTimeProvider Time => Scheduler?.Time ?? throw new InvalidOperationException("Time is only available on a deterministic TestKit");

    /// <summary>The default probe.</summary>
    public TestProbe Probe { get; }

    /// <summary>The default probe's ref: pass it as sender to receive replies here.</summary>
    public IActorRef TestActor => Probe.Ref;

    /// <summary>Dead letters seen so far.</summary>
    public int DeadLetterCountSeen
    {
        get
        {
            lock (_deadLettersLock)
            {
                return _deadLetters.Count;
            }
        }
    }

    public TestProbe CreateTestProbe(string? name = null) => new(Sys, TestKitSettings, name);

    public IReadOnlyList<DeadLetter> DeadLettersSince(int position)
    {
        lock (_deadLettersLock)
        {
            return _deadLetters.Skip(position).ToArray();
        }
    }

    public T ExpectMsg<T>(Predicate<T>? predicate = null, TimeSpan? timeout = null, string? hint = null) => Probe.ExpectMsg(predicate, timeout, hint);

    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null)
        where T : notnull => Probe.ExpectMsg(expected, timeout);

    public void ExpectNoMsg(TimeSpan? duration = null) => Probe.ExpectNoMsg(duration);

    public IReadOnlyList<object> ReceiveN(int count, TimeSpan? timeout = null) => Probe.ReceiveN(count, timeout);

    public T FishForMessage<T>(Predicate<T> isTarget, TimeSpan? timeout = null) => Probe.FishForMessage(isTarget, timeout);

    public IActorRef Watch(IActorRef target) => Probe.Watch(target);

    public Terminated ExpectTerminated(IActorRef target, TimeSpan? timeout = null) => Probe.ExpectTerminated(target, timeout);

    public void Within(TimeSpan max, Action block) => Probe.Within(max, block);

    public void AwaitAssert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null) => _await.Assert(assertion, duration, interval);

    public void AwaitCondition(Func<bool> condition, TimeSpan? duration = null, TimeSpan? interval = null, string? message = null) =>
        _await.Condition(condition, duration, interval, message);

    public EventFilter ExceptionFilter<T>(string? messageContains = null)
        where T : Exception => EventFilter.Exception<T>(this, messageContains);

    public EventFilter LogFilter(LogLevel level, string? messageContains = null) => EventFilter.Log(this, level, messageContains);

    public EventFilter DeadLetterFilter<T>(Func<DeadLetter, bool>? predicate = null) => EventFilter.DeadLetter<T>(this, predicate);

    /// <summary>Terminates the system and waits for it (fails the test if it does not stop in time).</summary>
    public void Shutdown()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _deadLetterSubscription.Dispose();
        var terminated = Sys.Terminate();
        if (Scheduler is not null)
        {
            Scheduler.RunUntilIdle();
        }
        else
        {
            terminated.Wait(TestKitSettings.Dilated(TestKitSettings.ShutdownTimeout));
        }

        LoggerFactory.Dispose();
        if (!terminated.IsCompleted)
        {
            throw new XunitException($"actor system {Sys.Name} did not terminate within {TestKitSettings.Dilated(TestKitSettings.ShutdownTimeout)}:\n{Sys.Hierarchy().Render()}");
        }
    }

    public void Dispose()
    {
        Shutdown();
        GC.SuppressFinalize(this);
    }
}

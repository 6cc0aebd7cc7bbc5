namespace PeerSync.Architecture.Tests;

/// <summary>Deliberately impure: the architecture scan must flag every line of it.</summary>
internal sealed class ImpureSampleMachine
{
    public DateTime Now() => DateTime.UtcNow;

    public int Roll() => new Random().Next();

    public Func<Task> Later() => () => Task.Delay(1);

    public bool Peek(string path) => File.Exists(path);
}

/// <summary>Pure: time comes in, a decision goes out.</summary>
internal sealed class PureSampleMachine
{
    private long _lastMs;

    public bool Step(long nowMs)
    {
        var elapsed = nowMs - _lastMs;
        _lastMs = nowMs;
        return elapsed > 1000;
    }
}

using Microsoft.Extensions.Logging;

namespace PeerSync.Actors;

/// <summary>An actor's logger: every entry carries the actor's path as the `ActorPath` property.</summary>
internal sealed class ActorLogger(ILogger inner, string actorPath) : ILogger
{
    private readonly KeyValuePair<string, object?>[] _scope = [new("ActorPath", actorPath)];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        using (inner.BeginScope(_scope))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}

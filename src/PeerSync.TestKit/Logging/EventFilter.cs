using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using Xunit.Sdk;

namespace PeerSync.TestKit;

/// <summary>
/// Assertions that a block of test code makes the system log (or dead-letter) exactly what is
/// expected, like Akka's EventFilter: `EventFilter.Exception&lt;InvalidOperationException&gt;().ExpectOne(() => actor.Tell(...))`.
/// </summary>
public sealed class EventFilter
{
    private readonly TestKitBase _kit;
    private readonly Func<CapturedLogEntry, bool>? _logMatch;
    private readonly Func<DeadLetter, bool>? _deadLetterMatch;
    private readonly string _description;

    private EventFilter(TestKitBase kit, string description, Func<CapturedLogEntry, bool>? logMatch, Func<DeadLetter, bool>? deadLetterMatch)
    {
        _kit = kit;
        _description = description;
        _logMatch = logMatch;
        _deadLetterMatch = deadLetterMatch;
    }

    /// <summary>Log entries carrying an exception of type <typeparamref name="T"/> (or derived).</summary>
    public static EventFilter Exception<T>(TestKitBase kit, string? messageContains = null)
        where T : Exception =>
        new(kit, $"exception {typeof(T).Name}{Contains(messageContains)}", e => e.Exception is T && Matches(e, messageContains), null);

    /// <summary>Log entries of <paramref name="level"/> (and above) whose text contains <paramref name="messageContains"/>.</summary>
    public static EventFilter Log(TestKitBase kit, LogLevel level, string? messageContains = null) =>
        new(kit, $"{level} log{Contains(messageContains)}", e => e.Level >= level && Matches(e, messageContains), null);

    /// <summary>Dead letters carrying a <typeparamref name="T"/> (matching <paramref name="predicate"/> if given).</summary>
    public static EventFilter DeadLetter<T>(TestKitBase kit, Func<DeadLetter, bool>? predicate = null) =>
        new(kit, $"dead letter of {typeof(T).Name}", null, d => d.Message is T && (predicate is null || predicate(d)));

    public void ExpectOne(Action block, TimeSpan? timeout = null) => Expect(1, block, timeout);

    public T ExpectOne<T>(Func<T> block, TimeSpan? timeout = null) => Expect(1, block, timeout);

    public void Expect(int count, Action block, TimeSpan? timeout = null) => Expect(count, () =>
    {
        block();
        return true;
    }, timeout);

    /// <summary>Runs <paramref name="block"/>, waits until <paramref name="count"/> matching events appeared, and asserts there are not more.</summary>
    public T Expect<T>(int count, Func<T> block, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var logStart = _kit.Logs.Count;
        var letterStart = _kit.DeadLetterCountSeen;
        var result = block();
        var matched = 0;
        try
        {
            _kit.AwaitCondition(() => (matched = CountMatches(logStart, letterStart)) >= count, timeout);
        }
        catch (XunitException)
        {
            throw new XunitException($"expected {count} x {_description} but saw {matched}");
        }

        matched = CountMatches(logStart, letterStart);
        if (matched != count)
        {
            throw new XunitException($"expected {count} x {_description} but saw {matched}");
        }

        return result;
    }

    private int CountMatches(int logStart, int letterStart) =>
        _logMatch is not null
            ? _kit.Logs.Since(logStart).Count(_logMatch)
            : _kit.DeadLettersSince(letterStart).Count(_deadLetterMatch!);

    private static bool Matches(CapturedLogEntry entry, string? contains) =>
        contains is null
        || entry.Message.Contains(contains, StringComparison.Ordinal)
        || (entry.Exception?.Message.Contains(contains, StringComparison.Ordinal) ?? false);

    private static string Contains(string? text) => text is null ? "" : $" containing '{text}'";
}

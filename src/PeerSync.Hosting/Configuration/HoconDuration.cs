using System.Diagnostics.CodeAnalysis;

namespace PeerSync.Hosting.Configuration;

/// <summary>
/// Durations written the HOCON way: a number and an optional unit, <c>3s</c>, <c>100ms</c>,
/// <c>1.5 minutes</c>; a bare number is milliseconds (<c>250</c>). Units are case-sensitive:
/// ns, us, ms, s, m, h, d and their long forms (nano/nanos/nanosecond(s), micro/micros/
/// microsecond(s), milli/millis/millisecond(s), second(s), minute(s), hour(s), day(s)).
/// Negative values parse (range checks belong to the setting); precision below TimeSpan's
/// 100 ns tick is rounded to the nearest tick. Weeks, months and years (periods) are not durations.
/// </summary>
public static class HoconDuration
{
    /// <summary>The accepted units, for error messages.</summary>
    public const string AcceptedUnits =
        "ns, us, ms, s, m, h or d (or nanoseconds, microseconds, milliseconds, seconds, minutes, hours, days); a bare number means milliseconds";

    private static readonly Dictionary<string, decimal> TicksPerUnit = BuildUnits();

    /// <summary>Parses a duration or throws <see cref="FormatException"/> naming the problem.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    public static bool TryParse(string? text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        switch (UnitQuantity.TrySplit(text, out var number, out var unit))
        {
            case UnitQuantity.Problem.Empty:
                error = $"a duration must not be empty; write a number and a unit, such as 500ms or 3s, using {AcceptedUnits}";
                return false;
            case UnitQuantity.Problem.NotANumber:
                error = $"'{text}' is not a duration: expected a number and a unit, such as 500ms or 3s, using {AcceptedUnits}";
                return false;
            case UnitQuantity.Problem.OutOfRange:
                error = OutOfRange(text);
                return false;
        }

        if (!TicksPerUnit.TryGetValue(unit, out var ticksPerUnit))
        {
            error = $"'{text}' is not a duration: unknown unit '{unit}'; use {AcceptedUnits}";
            return false;
        }

        if (Math.Abs(number) > TimeSpan.MaxValue.Ticks / ticksPerUnit)
        {
            error = OutOfRange(text);
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(number * ticksPerUnit, MidpointRounding.AwayFromZero));
        error = null;
        return true;
    }

    private static string OutOfRange(string? text) =>
        $"'{text}' is out of range for a duration (at most about {(long)TimeSpan.MaxValue.TotalDays} days either way)";

    private static Dictionary<string, decimal> BuildUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.Ordinal);
        void Add(decimal ticks, params string[] names)
        {
            foreach (var name in names)
            {
                units.Add(name, ticks);
            }
        }

        Add(0.01m, "ns", "nano", "nanos", "nanosecond", "nanoseconds");
        Add(10m, "us", "micro", "micros", "microsecond", "microseconds");
        Add(TimeSpan.TicksPerMillisecond, "", "ms", "milli", "millis", "millisecond", "milliseconds");
        Add(TimeSpan.TicksPerSecond, "s", "second", "seconds");
        Add(TimeSpan.TicksPerMinute, "m", "minute", "minutes");
        Add(TimeSpan.TicksPerHour, "h", "hour", "hours");
        Add(TimeSpan.TicksPerDay, "d", "day", "days");
        return units;
    }
}

using System.Globalization;

namespace PeerSync.Hosting.Configuration.Binding;

/// <summary>
/// Durations and sizes written back the way a person would write them in HOCON (`1500ms`, `24h`,
/// `4MiB`), in the largest unit that keeps the value exact, so that what --print-config shows
/// reads back to the same value.
/// </summary>
internal static class ValueText
{
    private static readonly (long Ticks, string Unit)[] DurationUnits =
    [
        (TimeSpan.TicksPerHour, "h"), (TimeSpan.TicksPerMinute, "m"), (TimeSpan.TicksPerSecond, "s"),
        (TimeSpan.TicksPerMillisecond, "ms"), (TimeSpan.TicksPerMicrosecond, "us"),
    ];

    private static readonly (long Bytes, string Unit)[] SizeUnits =
    [
        (1L << 40, "TiB"), (1L << 30, "GiB"), (1L << 20, "MiB"), (1L << 10, "KiB"),
    ];

    public static string Duration(TimeSpan value)
    {
        var ticks = value.Ticks;
        if (ticks == 0)
        {
            return "0ms";
        }

        foreach (var (unitTicks, unit) in DurationUnits)
        {
            if (ticks % unitTicks == 0)
            {
                return (ticks / unitTicks).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        // One tick is 100 ns.
        return ((decimal)ticks * 100).ToString(CultureInfo.InvariantCulture) + "ns";
    }

    public static string Size(long bytes)
    {
        if (bytes != 0)
        {
            foreach (var (unitBytes, unit) in SizeUnits)
            {
                if (bytes % unitBytes == 0)
                {
                    return (bytes / unitBytes).ToString(CultureInfo.InvariantCulture) + unit;
                }
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }
}

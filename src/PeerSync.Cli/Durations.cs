using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PeerSync.Cli;

/// <summary>Durations as operators type them: `500ms`, `10s`, `2m`, `1h`; a bare number is seconds.</summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        duration = default;
        var value = text?.Trim() ?? "";
        var (number, unit) = SplitUnit(value);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            error = $"'{text}' is not a duration; write it like 500ms, 10s, 2m or 1h";
            return false;
        }

        double? ms = unit switch
        {
            "ms" => amount,
            "" or "s" => amount * 1000,
            "m" => amount * 60_000,
            "h" => amount * 3_600_000,
            _ => null,
        };
        if (ms is null)
        {
            error = $"'{text}' has unknown unit '{unit}'; use ms, s, m or h";
            return false;
        }

        if (ms <= 0 || ms > TimeSpan.FromDays(1).TotalMilliseconds)
        {
            error = $"'{text}' is out of range; a duration is more than 0 and at most 24h";
            return false;
        }

        duration = TimeSpan.FromMilliseconds(ms.Value);
        error = null;
        return true;
    }

    /// <summary>The shortest exact form: 250ms, 10s, 1.5s, 2m, 1h.</summary>
    public static string Format(TimeSpan duration)
    {
        var ms = duration.TotalMilliseconds;
        if (ms < 1000)
        {
            return $"{ms.ToString("0.###", CultureInfo.InvariantCulture)}ms";
        }

        if (ms % 3_600_000 == 0)
        {
            return $"{(ms / 3_600_000).ToString(CultureInfo.InvariantCulture)}h";
        }

        if (ms % 60_000 == 0)
        {
            return $"{(ms / 60_000).ToString(CultureInfo.InvariantCulture)}m";
        }

        return $"{(ms / 1000).ToString("0.###", CultureInfo.InvariantCulture)}s";
    }

    private static (string Number, string Unit) SplitUnit(string value)
    {
        var end = value.Length;
        while (end > 0 && char.IsAsciiLetter(value[end - 1]))
        {
            end--;
        }

        return (value[..end], value[end..].ToLowerInvariant());
    }
}

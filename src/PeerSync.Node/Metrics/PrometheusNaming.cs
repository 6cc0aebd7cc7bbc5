using System.Text;

namespace PeerSync.Node.Metrics;

/// <summary>
/// Instrument names, units and tags to Prometheus names, following OpenTelemetry's Prometheus
/// compatibility rules: characters outside [a-zA-Z0-9_] become '_' (runs collapsed), the unit
/// becomes a suffix (`s` → `_seconds`, `By` → `_bytes`, `{request}` annotations dropped), and
/// monotonic counters end in `_total`. So `peersync.sync.changes.applied` with unit `{change}` is
/// `peersync_sync_changes_applied_total`.
/// </summary>
internal static class PrometheusNaming
{
    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days",
        ["h"] = "hours",
        ["min"] = "minutes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["TiBy"] = "tibibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
        ["TBy"] = "terabytes",
        ["bit"] = "bits",
        ["m"] = "meters",
        ["V"] = "volts",
        ["A"] = "amperes",
        ["J"] = "joules",
        ["W"] = "watts",
        ["g"] = "grams",
        ["Cel"] = "celsius",
        ["Hz"] = "hertz",
        ["%"] = "percent",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second",
        ["m"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
        ["w"] = "week",
        ["mo"] = "month",
        ["y"] = "year",
    };

    /// <summary>The family name of an instrument: name, unit suffix, and `_total` for counters.</summary>
    public static string MetricName(string instrumentName, string? unit, MetricKind kind)
    {
        var name = Sanitize(instrumentName);
        var suffix = UnitSuffix(unit, kind);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name = name + "_" + suffix;
        }

        if (kind == MetricKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    /// <summary>A label name: sanitized, and never starting with a digit (a `key_` prefix, as OpenTelemetry does).</summary>
    public static string LabelName(string tagName)
    {
        return tagName.Length > 0 && char.IsAsciiDigit(tagName[0]) ? Sanitize("key_" + tagName) : Sanitize(tagName);
    }

    /// <summary>The unit as a name suffix; empty for no unit, a pure annotation (`{change}`), or a ratio (`1`) on a non-gauge.</summary>
    public static string UnitSuffix(string? unit, MetricKind kind)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return "";
        }

        var trimmed = RemoveAnnotations(unit.Trim());
        if (trimmed.Length == 0)
        {
            return "";
        }

        if (trimmed == "1")
        {
            return kind == MetricKind.Gauge ? "ratio" : "";
        }

        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0 && slash < trimmed.Length - 1)
        {
            // "By/s" is bytes_per_second; "{write}/s", its annotation gone, is per_second.
            var numerator = trimmed[..slash].Trim();
            var denominator = trimmed[(slash + 1)..].Trim();
            var bottom = PerUnits.GetValueOrDefault(denominator) ?? Units.GetValueOrDefault(denominator) ?? denominator;
            var top = numerator.Length == 0 ? "" : (Units.GetValueOrDefault(numerator) ?? numerator) + "_";
            return Sanitize(top + "per_" + bottom).Trim('_');
        }

        return Sanitize(Units.GetValueOrDefault(trimmed) ?? trimmed).Trim('_');
    }

    /// <summary>[a-zA-Z0-9_] only, runs of '_' collapsed, a leading digit prefixed with '_'.</summary>
    public static string Sanitize(string text)
    {
        var builder = new StringBuilder(text.Length + 1);
        foreach (var c in text)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || c == '_';
            var next = ok ? c : '_';
            if (next == '_' && builder.Length > 0 && builder[^1] == '_')
            {
                continue;
            }

            builder.Append(next);
        }

        if (builder.Length > 0 && char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    private static string RemoveAnnotations(string unit)
    {
        if (!unit.Contains('{', StringComparison.Ordinal))
        {
            return unit;
        }

        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Trim();
    }
}

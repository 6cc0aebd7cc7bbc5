using System.Globalization;
using System.Text.Json;

namespace PeerSync.Cli.Rendering;

/// <summary>How values read in human output: UTC times, short durations, clipped JSON.</summary>
internal static class Formats
{
    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    /// <summary>Event and log times keep milliseconds: several events often share a second.</summary>
    public static string Timestamp(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "-";

    public static string Lag(long ms) => ms switch
    {
        < 1000 => $"{ms.ToString(CultureInfo.InvariantCulture)} ms",
        < 60_000 => $"{(ms / 1000.0).ToString("0.0", CultureInfo.InvariantCulture)} s",
        _ => $"{(ms / 60_000).ToString(CultureInfo.InvariantCulture)} m {(ms % 60_000 / 1000).ToString(CultureInfo.InvariantCulture)} s",
    };

    public static string Uptime(double? seconds)
    {
        if (seconds is not { } s || s < 0)
        {
            return "-";
        }

        var span = TimeSpan.FromSeconds(Math.Floor(s));
        return span.TotalDays >= 1
            ? $"{((int)span.TotalDays).ToString(CultureInfo.InvariantCulture)}d {span.Hours}h {span.Minutes}m"
            : span.TotalHours >= 1 ? $"{span.Hours}h {span.Minutes}m {span.Seconds}s" : $"{span.Minutes}m {span.Seconds}s";
    }

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string List(IReadOnlyList<string> items) => items.Count == 0 ? "-" : string.Join(", ", items);

    public static string OrDash(string? text) => string.IsNullOrEmpty(text) ? "-" : text;

    /// <summary>A JSON value on one line as JSON (strings keep their quotes), clipped for table cells.</summary>
    public static string Json(JsonElement value, int maxChars)
    {
        var text = value.ValueKind == JsonValueKind.Undefined ? "-" : Api.CliJson.Format(value, indented: false);
        return text.Length <= maxChars ? text : text[..(maxChars - 3)] + "...";
    }

    /// <summary>A descriptive JSON value (a name or a count): strings without quotes, absent as '-'.</summary>
    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => "-",
        JsonValueKind.String => value.GetString() ?? "-",
        _ => Api.CliJson.Format(value, indented: false),
    };
}

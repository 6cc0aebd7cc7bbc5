using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Options;
using PeerSync.Persistence.Sqlite;

namespace PeerSync.Hosting.Configuration.Binding;

/// <summary>
/// How one kind of setting is read from configuration text and written back as JSON (for
/// --print-config). Parse errors describe the text and what is accepted; the binder adds the key.
/// </summary>
internal sealed class SettingType<T>
{
    public delegate bool Parser(string text, [MaybeNullWhen(false)] out T value, [NotNullWhen(false)] out string? error);

    public SettingType(string description, Parser parse, Func<T, JsonNode?> toJson)
    {
        Description = description;
        Parse = parse;
        ToJson = toJson;
    }

    /// <summary>"a duration", "a whole number": used in "expected ..., found a section".</summary>
    public string Description { get; }

    public Parser Parse { get; }

    public Func<T, JsonNode?> ToJson { get; }
}

/// <summary>The setting types of the `peersync` section.</summary>
internal static class SettingTypes
{
    public static readonly SettingType<string> Text = new("text", ParseText, v => JsonValue.Create(v));

    public static readonly SettingType<int> Int = new("a whole number", ParseInt, v => JsonValue.Create(v));

    public static readonly SettingType<double> Number = new("a number", ParseDouble, v => JsonValue.Create(v));

    public static readonly SettingType<bool> Bool = new("a boolean (on/off)", HoconBoolean.TryParse, v => JsonValue.Create(v));

    public static readonly SettingType<TimeSpan> Duration = new("a duration such as 500ms or 3s", HoconDuration.TryParse, v => JsonValue.Create(ValueText.Duration(v)));

    public static readonly SettingType<long> Size = new("a size such as 4MiB", ByteSize.TryParse, v => JsonValue.Create(ValueText.Size(v)));

    public static readonly SettingType<int> IntSize = new("a size such as 4MiB", ParseIntSize, v => JsonValue.Create(ValueText.Size(v)));

    /// <summary>A 64-bit seed, or empty for none (the component derives its own).</summary>
    public static readonly SettingType<ulong?> OptionalSeed = new("a whole number from 0 to 18446744073709551615, or empty", ParseOptionalSeed, v => v is { } seed ? JsonValue.Create(seed) : JsonValue.Create(""));

    public static readonly SettingType<LogLevel> Level = Choice(
        "a log level",
        (LogLevel.Trace, "trace"), (LogLevel.Debug, "debug"), (LogLevel.Information, "information"),
        (LogLevel.Warning, "warning"), (LogLevel.Error, "error"), (LogLevel.Critical, "critical"), (LogLevel.None, "none"));

    public static readonly SettingType<ConsoleLogFormat> ConsoleFormat = Choice(
        "a console format", (ConsoleLogFormat.Human, "human"), (ConsoleLogFormat.Json, "json"));

    public static readonly SettingType<SqliteSynchronous> Synchronous = Choice(
        "a SQLite synchronous level",
        (SqliteSynchronous.Off, "off"), (SqliteSynchronous.Normal, "normal"), (SqliteSynchronous.Full, "full"), (SqliteSynchronous.Extra, "extra"));

    private static bool ParseOptionalSeed(string text, out ulong? value, [NotNullWhen(false)] out string? error)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            value = null;
            error = null;
            return true;
        }

        if (ulong.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
        {
            value = seed;
            error = null;
            return true;
        }

        value = null;
        error = $"'{text}' is not a whole number from 0 to 18446744073709551615 (or empty for none)";
        return false;
    }

    private static bool ParseText(string text, out string value, [NotNullWhen(false)] out string? error)
    {
        value = text;
        error = null;
        return true;
    }

    private static bool ParseInt(string text, out int value, [NotNullWhen(false)] out string? error)
    {
        value = 0;
        var trimmed = text.Trim();
        if (int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            error = null;
            return true;
        }

        if (decimal.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            error = number == decimal.Truncate(number)
                ? Invariant($"'{text}' is out of range; a whole number from {int.MinValue} to {int.MaxValue} is expected")
                : $"'{text}' is not a whole number";
            return false;
        }

        error = $"'{text}' is not a whole number";
        return false;
    }

    private static bool ParseDouble(string text, out double value, [NotNullWhen(false)] out string? error)
    {
        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value))
        {
            error = null;
            return true;
        }

        error = $"'{text}' is not a number; write it like 8 or 8.5";
        return false;
    }

    private static bool ParseIntSize(string text, out int value, [NotNullWhen(false)] out string? error)
    {
        value = 0;
        if (!ByteSize.TryParse(text, out var bytes, out error))
        {
            return false;
        }

        if (bytes > int.MaxValue)
        {
            error = $"'{text}' is too large for this setting; at most {int.MaxValue} bytes (2 GiB - 1)";
            return false;
        }

        value = (int)bytes;
        return true;
    }

    private static SettingType<TEnum> Choice<TEnum>(string description, params (TEnum Value, string Name)[] choices)
        where TEnum : struct, Enum
    {
        var accepted = string.Join(", ", choices.Select(c => c.Name));
        return new SettingType<TEnum>(
            $"{description} ({accepted})",
            (string text, out TEnum value, [NotNullWhen(false)] out string? error) =>
            {
                foreach (var (candidate, name) in choices)
                {
                    if (string.Equals(text.Trim(), name, StringComparison.OrdinalIgnoreCase))
                    {
                        value = candidate;
                        error = null;
                        return true;
                    }
                }

                value = default;
                error = $"'{text}' is not one of {accepted}";
                return false;
            },
            v => JsonValue.Create(choices.First(c => EqualityComparer<TEnum>.Default.Equals(c.Value, v)).Name));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

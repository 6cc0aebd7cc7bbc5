using System.Diagnostics.CodeAnalysis;

namespace PeerSync.Hosting.Configuration;

/// <summary>
/// Booleans the HOCON way: <c>true</c>/<c>yes</c>/<c>on</c> and <c>false</c>/<c>no</c>/<c>off</c>
/// (ignoring case). HOCON keeps <c>tls.enabled = off</c> as the string "off", and .NET's own
/// boolean parsing rejects it, so options read booleans through this.
/// </summary>
public static class HoconBoolean
{
    /// <summary>Parses a boolean or throws <see cref="FormatException"/> naming the problem.</summary>
    public static bool Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    public static bool TryParse(string? text, out bool value, [NotNullWhen(false)] out string? error)
    {
        var trimmed = text?.Trim() ?? "";
        value = false;
        error = null;
        if (Is(trimmed, "true", "yes", "on"))
        {
            value = true;
            return true;
        }

        if (Is(trimmed, "false", "no", "off"))
        {
            return true;
        }

        error = $"'{text}' is not a boolean; use true, yes, on, false, no or off";
        return false;
    }

    private static bool Is(string text, params string[] words) =>
        words.Any(w => string.Equals(text, w, StringComparison.OrdinalIgnoreCase));
}

using System.Text.Encodings.Web;
using System.Text.Json;

namespace PeerSync.Cli.Api;

/// <summary>JSON settings in one place: how answers are read and how psync prints JSON.</summary>
internal static class CliJson
{
    public static CliJsonContext Context => CliJsonContext.Default;

    /// <summary>
    /// Printing keeps non-ASCII characters readable (no \u escapes): the output goes to a terminal
    /// or a pipe, never into HTML.
    /// </summary>
    public static JsonSerializerOptions Pretty { get; } = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonSerializerOptions Compact { get; } = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Format(JsonElement element, bool indented) =>
        JsonSerializer.Serialize(element, indented ? Pretty : Compact);
}

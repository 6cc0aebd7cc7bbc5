using System.Text.Json;

namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>Renders a path for messages: <c>a.b</c>, quoting keys that need it (<c>a."b.c"</c>).</summary>
internal static class PathText
{
    public static string Render(IReadOnlyList<string> path) => string.Join('.', path.Select(RenderKey));

    private static string RenderKey(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? key
            : JsonSerializer.Serialize(key);
}

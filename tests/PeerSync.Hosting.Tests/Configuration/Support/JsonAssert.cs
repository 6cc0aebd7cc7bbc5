using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PeerSync.Hosting.Tests.Configuration.Support;

/// <summary>
/// Structural JSON comparison: object key order does not matter, numbers compare by value
/// (<c>42</c> equals <c>42.0</c>), and a failure names the path of the first difference.
/// </summary>
internal static class JsonAssert
{
    public static void Equivalent(JsonNode? expected, JsonNode? actual)
    {
        var difference = FindDifference(expected, actual, "$");
        Assert.True(difference is null, $"{difference}\nexpected: {Render(expected)}\nactual:   {Render(actual)}");
    }

    public static void Equivalent(string expectedJson, JsonNode? actual) =>
        Equivalent(JsonNode.Parse(expectedJson), actual);

    private static string? FindDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected, actual)
        {
            case (null, null):
                return null;
            case (null, _) or (_, null):
                return $"{path}: expected {Render(expected)}, found {Render(actual)}";
            case (JsonObject e, JsonObject a):
                foreach (var (key, value) in e)
                {
                    if (!a.ContainsKey(key))
                    {
                        return $"{path}.{key}: missing";
                    }

                    if (FindDifference(value, a[key], $"{path}.{key}") is { } inner)
                    {
                        return inner;
                    }
                }

                var extra = a.Select(p => p.Key).FirstOrDefault(k => !e.ContainsKey(k));
                return extra is null ? null : $"{path}.{extra}: unexpected key";
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count)
                {
                    return $"{path}: expected {e.Count} elements, found {a.Count}";
                }

                for (var i = 0; i < e.Count; i++)
                {
                    if (FindDifference(e[i], a[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case (JsonValue e, JsonValue a):
                return ValuesEqual(e, a) ? null : $"{path}: expected {Render(e)}, found {Render(a)}";
            default:
                return $"{path}: expected {Render(expected)}, found {Render(actual)}";
        }
    }

    private static bool ValuesEqual(JsonValue expected, JsonValue actual)
    {
        var (e, a) = (expected.GetValueKind(), actual.GetValueKind());
        if (e != a)
        {
            return false;
        }

        if (e != JsonValueKind.Number)
        {
            return JsonNode.DeepEquals(expected, actual);
        }

        var (et, at) = (expected.ToJsonString(), actual.ToJsonString());
        return decimal.TryParse(et, NumberStyles.Float, CultureInfo.InvariantCulture, out var ed)
            && decimal.TryParse(at, NumberStyles.Float, CultureInfo.InvariantCulture, out var ad)
            ? ed == ad
            : double.Parse(et, CultureInfo.InvariantCulture) == double.Parse(at, CultureInfo.InvariantCulture);
    }

    private static string Render(JsonNode? node) => node?.ToJsonString() ?? "null";
}

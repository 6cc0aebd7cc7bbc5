using System.Text.Json.Nodes;
using PeerSync.Hosting.Configuration.Hocon;

namespace PeerSync.Hosting.Tests.Configuration.Support;

/// <summary>Short forms for tests: parse text with an empty (or given) fake environment.</summary>
internal static class Hocon
{
    public static HoconObject Parse(string text, Func<string, string?>? environment = null) =>
        HoconLoader.Parse(text, "test.conf", new HoconParseOptions { EnvironmentLookup = environment ?? FakeEnvironment.Empty });

    public static JsonNode Json(string text, Func<string, string?>? environment = null) =>
        Parse(text, environment).ToJson();

    /// <summary>Asserts that the text means the same as the JSON (numbers by value, keys in any order).</summary>
    public static void AssertMeans(string expectedJson, string text, Func<string, string?>? environment = null) =>
        JsonAssert.Equivalent(expectedJson, Json(text, environment));

    public static HoconParseException Error(string text, Func<string, string?>? environment = null) =>
        Assert.Throws<HoconParseException>(() => Parse(text, environment));
}

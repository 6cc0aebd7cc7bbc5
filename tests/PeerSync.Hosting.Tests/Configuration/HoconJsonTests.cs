using System.Text.Json.Nodes;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Configuration;

/// <summary>Conversion of resolved values to System.Text.Json nodes (used by --print-config).</summary>
public sealed class HoconJsonTests
{
    [Fact]
    public void Json_keeps_types_order_and_nesting_when_converted()
    {
        var json = Hocon.Json("b = 1\na { s = \"x\\ny\", t = true, n = null, l = [1, [2], {c = 3}] }");

        Assert.Equal("""{"b":1,"a":{"s":"x\ny","t":true,"n":null,"l":[1,[2],{"c":3}]}}""", json.ToJsonString());
    }

    [Theory]
    [InlineData("8.0", "8.0")]
    [InlineData("007", "7")]
    [InlineData("-007.5", "-7.5")]
    [InlineData(".33", "0.33")]
    [InlineData("-.5e2", "-0.5e2")]
    [InlineData("0", "0")]
    [InlineData("4878955355435272204", "4878955355435272204")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("1e400", "1e400")]
    public void Json_number_keeps_its_exact_value_when_hocon_spelling_is_not_json(string number, string expected)
    {
        var json = Hocon.Json($"n = {number}");

        Assert.Equal($$"""{"n":{{expected}}}""", json.ToJsonString());
        Assert.NotNull(JsonNode.Parse(json.ToJsonString()));
    }

    [Fact]
    public void Json_assert_reports_the_path_when_values_differ()
    {
        // The conformance suite relies on this comparison, so check that it can fail.
        Assert.Contains("$.a[1]: expected 2, found 3", Fails("""{"a":[1,2]}""", """{"a":[1,3]}"""), StringComparison.Ordinal);
        Assert.Contains("$.b: missing", Fails("""{"a":1,"b":2}""", """{"a":1}"""), StringComparison.Ordinal);
        Assert.Contains("$.c: unexpected key", Fails("""{"a":1}""", """{"a":1,"c":2}"""), StringComparison.Ordinal);
        Assert.Contains("$.a: expected 1, found \"1\"", Fails("""{"a":1}""", """{"a":"1"}"""), StringComparison.Ordinal);
        JsonAssert.Equivalent("""{"a":42,"b":[1.50]}""", JsonNode.Parse("""{"b":[1.5],"a":42.0}"""));
    }

    private static string Fails(string expected, string actual) =>
        Assert.ThrowsAny<Exception>(() => JsonAssert.Equivalent(expected, JsonNode.Parse(actual))).Message;
}

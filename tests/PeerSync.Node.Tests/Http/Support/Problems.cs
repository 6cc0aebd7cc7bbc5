using System.Text.Json.Nodes;

namespace PeerSync.Node.Tests.Http.Support;

internal static class Problems
{
    /// <summary>Asserts an RFC 9457 problem with <paramref name="status"/> and a detail containing <paramref name="detailPart"/>.</summary>
    public static JsonNode AssertProblem(ServerHarness.Answer answer, int status, string detailPart)
    {
        Assert.Equal(status, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        var json = answer.Json;
        Assert.Equal("about:blank", (string?)json["type"]);
        Assert.Equal(status, (int?)json["status"]);
        Assert.False(string.IsNullOrEmpty((string?)json["title"]));
        var detail = (string?)json["detail"] ?? "";
        Assert.True(detail.Contains(detailPart, StringComparison.Ordinal), $"expected the detail to contain: {detailPart}\nthe detail is: {detail}");
        return json;
    }
}

using System.Net;
using System.Text.Json.Nodes;

namespace PeerSync.EndToEnd.Tests.Support;

/// <summary>Reading a node's HTTP API while it may be starting, stopping or killed.</summary>
internal static class NodeHttp
{
    /// <summary>The JSON body of a 200 answer; null for any other status or when the node does not answer (yet).</summary>
    public static async Task<JsonNode?> GetJsonAsync(this HttpClient http, Uri uri)
    {
        try
        {
            using var response = await http.GetAsync(uri);
            return response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}

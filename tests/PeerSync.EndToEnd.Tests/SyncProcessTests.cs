using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PeerSync.EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace PeerSync.EndToEnd.Tests;

/// <summary>Records written through the HTTP API of real node processes replicate and converge.</summary>
public sealed class SyncProcessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] All = ["n1", "n2", "n3"];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Write_on_one_node_is_read_on_the_others_and_digests_converge()
    {
        await using var cluster = await StartReadyAsync(3);

        var put = await PutAsync(cluster, "n1", "tags", "k1", """{"color":"blue"}""");
        var fromN2 = await AwaitRecordAsync(cluster, "n2", "tags", "k1");
        await PutAsync(cluster, "n3", "tags", "k2", "[1,2,3]");
        await AwaitDigestsEqualAsync(cluster, "tags", All, expectedCount: 2);

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("n1", (string?)put.Body!["origin"]);
        Assert.Equal("blue", (string?)fromN2["value"]!["color"]);
        Assert.Equal("n1", (string?)fromN2["origin"]);
    }

    [Fact]
    public async Task Owned_record_can_be_changed_only_by_its_owner()
    {
        await using var cluster = await StartReadyAsync(3);

        await PutAsync(cluster, "n1", "locations", "truck-1", """{"lat":1}""");
        await AwaitRecordAsync(cluster, "n2", "locations", "truck-1");
        var foreign = await PutAsync(cluster, "n2", "locations", "truck-1", """{"lat":2}""");

        Assert.Equal(HttpStatusCode.Conflict, foreign.Status);
    }

    [Fact]
    public async Task Node_killed_and_restarted_catches_up_on_writes_made_while_it_was_down()
    {
        await using var cluster = await StartReadyAsync(3);
        await PutAsync(cluster, "n1", "tags", "before", "1");
        await AwaitDigestsEqualAsync(cluster, "tags", All, expectedCount: 1);

        await cluster["n3"].KillAsync();
        for (var i = 0; i < 20; i++)
        {
            await PutAsync(cluster, i % 2 == 0 ? "n1" : "n2", "tags", $"while-down-{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        cluster.StartNode("n3");
        await AwaitReadyAsync(cluster, All);
        await AwaitDigestsEqualAsync(cluster, "tags", All, expectedCount: 21);
    }

    private async Task<ProcessCluster> StartReadyAsync(int size)
    {
        var cluster = ProcessCluster.Start(size, output,
            "peersync.sync.collections.tags.kind=shared",
            "peersync.sync.collections.locations.kind=owned");
        try
        {
            await cluster.AwaitMembersAsync(cluster.Ids, cluster.Ids);
            await AwaitReadyAsync(cluster, cluster.Ids);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private Task AwaitReadyAsync(ProcessCluster cluster, IReadOnlyCollection<string> ids) =>
        cluster.AwaitAsync($"{string.Join(",", ids)} ready", async () =>
        {
            foreach (var id in ids)
            {
                try
                {
                    using var response = await _http.GetAsync(new Uri($"http://{cluster.HttpAuthority(id)}/v1/health/ready"));
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        return false;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }

            return true;
        });

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PutAsync(ProcessCluster cluster, string id, string collection, string key, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.PutAsync(new Uri($"http://{cluster.HttpAuthority(id)}/v1/collections/{collection}/records/{Uri.EscapeDataString(key)}"), content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private async Task<JsonNode> AwaitRecordAsync(ProcessCluster cluster, string id, string collection, string key)
    {
        JsonNode? record = null;
        await cluster.AwaitAsync($"{id} has {collection}/{key}", async () =>
        {
            record = await _http.GetJsonAsync(new Uri($"http://{cluster.HttpAuthority(id)}/v1/collections/{collection}/records/{Uri.EscapeDataString(key)}"));
            return record is not null;
        });
        return record!;
    }

    private Task AwaitDigestsEqualAsync(ProcessCluster cluster, string collection, IReadOnlyCollection<string> ids, long expectedCount) =>
        cluster.AwaitAsync($"{collection} digests equal with {expectedCount} records on {string.Join(",", ids)}", async () =>
        {
            var digests = new List<(long Count, string Hash)>();
            foreach (var id in ids)
            {
                var digest = await _http.GetJsonAsync(new Uri($"http://{cluster.HttpAuthority(id)}/v1/collections/{collection}/digest"));
                if (digest is null)
                {
                    return false;
                }

                digests.Add(((long)digest["count"]!, (string)digest["hash"]!));
            }

            return digests.All(d => d == digests[0]) && digests[0].Count == expectedCount;
        });
}

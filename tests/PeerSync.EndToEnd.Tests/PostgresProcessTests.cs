using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using PeerSync.EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace PeerSync.EndToEnd.Tests;

/// <summary>
/// The docker-compose setup without Docker: three node processes on one PostgreSQL server, each
/// with its own pair of schemas (as docker-compose.yml gives them), dropped afterwards.
/// </summary>
public sealed class PostgresProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] All = ["n1", "n2", "n3"];
    private readonly string _prefix = "e2e_" + Guid.NewGuid().ToString("N")[..8];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (PostgresFactAttribute.ConnectionString is not { } connectionString)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var id in All)
        {
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_prefix}_{id} CASCADE; DROP SCHEMA IF EXISTS {_prefix}_{id}_sync CASCADE;", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [PostgresFact]
    public async Task Nodes_on_postgres_converge_and_a_killed_node_keeps_its_records_across_a_restart()
    {
        var connectionString = JsonSerializer.Serialize(PostgresFactAttribute.ConnectionString!);
        await using var cluster = ProcessCluster.Start(3, output, id =>
        [
            "peersync.persistence.provider=postgres",
            $"peersync.persistence.connection-string={connectionString}",
            $"peersync.persistence.postgres.schema={_prefix}_{id}",
            $"peersync.persistence.postgres.records-schema={_prefix}_{id}_sync",
        ]);
        await cluster.AwaitMembersAsync(All, All);
        await AwaitReadyAsync(cluster, All);

        Assert.Equal(HttpStatusCode.OK, await PutAsync(cluster, "n1", "k1", """{"on":"postgres"}"""));
        Assert.Equal(HttpStatusCode.OK, await PutAsync(cluster, "n3", "k2", "2"));
        await AwaitDigestsAsync(cluster, All, 2);
        await cluster["n2"].KillAsync();
        cluster.StartNode("n2");
        await AwaitReadyAsync(cluster, All);
        await AwaitDigestsAsync(cluster, All, 2);
    }

    private Task AwaitReadyAsync(ProcessCluster cluster, IEnumerable<string> ids) =>
        cluster.AwaitAsync("all ready", async () =>
        {
            foreach (var id in ids)
            {
                if (await _http.GetJsonAsync(new Uri($"http://{cluster.HttpAuthority(id)}/v1/health/ready")) is null)
                {
                    return false;
                }
            }

            return true;
        });

    private Task AwaitDigestsAsync(ProcessCluster cluster, IEnumerable<string> ids, long count) =>
        cluster.AwaitAsync($"equal digests of {count} records", async () =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                var digest = await _http.GetJsonAsync(new Uri($"http://{cluster.HttpAuthority(id)}/v1/collections/tags/digest"));
                if (digest is null || (long)digest["count"]! != count)
                {
                    return false;
                }

                seen.Add((string)digest["hash"]!);
            }

            return seen.Count == 1;
        });

    private async Task<HttpStatusCode> PutAsync(ProcessCluster cluster, string id, string key, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.PutAsync(new Uri($"http://{cluster.HttpAuthority(id)}/v1/collections/tags/records/{key}"), content);
        return response.StatusCode;
    }
}

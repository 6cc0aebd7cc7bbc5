using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using PeerSync.Node.Http.Pipeline;

namespace PeerSync.Node.Tests.Http;

/// <summary>
/// The access rules on contexts with chosen client addresses: the tests' server only sees
/// loopback clients, so the 403 for others is proved here, on the middleware itself.
/// </summary>
public sealed class ClientAccessTests
{
    [Theory]
    [InlineData("10.0.0.5", "/v1/cluster")]
    [InlineData("192.168.1.20", "/v1/health/live")]
    [InlineData("2001:db8::1", "/metrics")]
    public async Task Without_a_token_a_non_loopback_client_is_403_naming_its_address(string address, string path)
    {
        var (context, reachedNext) = Context(address, "GET", path);

        await new ClientAccess(_ => { reachedNext[0] = true; return Task.CompletedTask; }, "").InvokeAsync(context);

        Assert.False(reachedNext[0]);
        Assert.Equal(403, context.Response.StatusCode);
        var problem = Body(context);
        Assert.Contains($"so it serves only clients on its own machine, and {address} is not a loopback address", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task Without_a_token_loopback_clients_pass_including_ipv4_mapped_ones(string address)
    {
        var (context, reachedNext) = Context(address, "GET", "/v1/cluster");

        await new ClientAccess(_ => { reachedNext[0] = true; return Task.CompletedTask; }, "").InvokeAsync(context);

        Assert.True(reachedNext[0]);
    }

    [Fact]
    public async Task With_a_token_a_remote_client_with_the_token_passes()
    {
        var (context, reachedNext) = Context("10.0.0.5", "GET", "/v1/cluster");
        context.Request.Headers.Authorization = "Bearer 0123456789abcdef-token";

        await new ClientAccess(_ => { reachedNext[0] = true; return Task.CompletedTask; }, "0123456789abcdef-token").InvokeAsync(context);

        Assert.True(reachedNext[0]);
    }

    [Fact]
    public async Task With_a_token_a_remote_client_may_probe_health_and_scrape_metrics_without_it()
    {
        foreach (var path in new[] { "/v1/health/live", "/v1/health/ready", "/metrics", "/METRICS" })
        {
            var (context, reachedNext) = Context("10.0.0.5", "GET", path);

            await new ClientAccess(_ => { reachedNext[0] = true; return Task.CompletedTask; }, "0123456789abcdef-token").InvokeAsync(context);

            Assert.True(reachedNext[0], path);
        }
    }

    [Fact]
    public async Task With_a_token_two_authorization_headers_are_refused()
    {
        var (context, reachedNext) = Context("127.0.0.1", "GET", "/v1/cluster");
        context.Request.Headers.Authorization = new Microsoft.Extensions.Primitives.StringValues(["Bearer 0123456789abcdef-token", "Bearer other"]);

        await new ClientAccess(_ => { reachedNext[0] = true; return Task.CompletedTask; }, "0123456789abcdef-token").InvokeAsync(context);

        Assert.False(reachedNext[0]);
        Assert.Equal(401, context.Response.StatusCode);
    }

    private static (DefaultHttpContext Context, bool[] ReachedNext) Context(string address, string method, string path)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        context.Request.Method = method;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        return (context, [false]);
    }

    private static JsonNode Body(DefaultHttpContext context)
    {
        context.Response.BodyWriter.FlushAsync().AsTask().GetAwaiter().GetResult();
        return JsonNode.Parse(((MemoryStream)context.Response.Body).ToArray())!;
    }
}

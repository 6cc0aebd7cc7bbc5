using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PeerSync.Cli.Tests.Fakes;

/// <summary>
/// A node's HTTP API (docs/http-api.md) on 127.0.0.1 and a free port, with canned data and
/// switchable misbehaviour: token required, forbidden, not ready, failing, malformed, holding
/// requests forever. Routing is done by hand on the raw request target so escaped keys arrive
/// exactly as the CLI sent them.
/// </summary>
internal sealed partial class FakeNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeNode(WebApplication app) => _app = app;

    public string Address { get; private set; } = "";

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>When set, every request needs `Authorization: Bearer` this.</summary>
    public string? RequiredToken { get; set; }

    public bool Forbidden { get; set; }

    /// <summary>When set, every request is 503 with this reason.</summary>
    public string? NotReadyReason { get; set; }

    /// <summary>When set, every request fails with this status and a problem body (or <see cref="FailBody"/>).</summary>
    public int? FailWithStatus { get; set; }

    /// <summary>The body of a <see cref="FailWithStatus"/> answer instead of a problem, with <see cref="FailContentType"/>.</summary>
    public string? FailBody { get; set; }

    public string FailContentType { get; set; } = "text/plain";

    /// <summary>When set, every request gets 200 with this body (and <see cref="RawAnswerContentType"/>).</summary>
    public string? RawAnswer { get; set; }

    public string RawAnswerContentType { get; set; } = "application/json";

    /// <summary>Every answer promises 1000 bytes, sends a few, then the connection is cut.</summary>
    public bool CutAnswers { get; set; }

    /// <summary>Requests are never answered (until the client gives up); <see cref="RequestHeld"/> completes on the first.</summary>
    public bool HoldRequests { get; set; }

    public Task RequestHeld => _held.Task;

    public string ClusterJson { get; set; } = FakeNodeJson.Cluster;

    public string SyncStatusJson { get; set; } = FakeNodeJson.SyncStatus;

    public string SyncPeersJson { get; set; } = FakeNodeJson.SyncPeers;

    public string NodeJson { get; set; } = FakeNodeJson.Node;

    public string ActorsJson { get; set; } = FakeNodeJson.Actors;

    public string LogsJson { get; set; } = FakeNodeJson.Logs;

    /// <summary>Members whose down request fails with 500.</summary>
    public HashSet<string> FailingDowns { get; } = new(StringComparer.Ordinal);

    public FakeEventFeed Events { get; } = new();

    public static async Task<FakeNode> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var node = new FakeNode(app);
        app.Run(node.HandleAsync);
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        node.Address = new Uri(bound).Authority;
        return node;
    }

    public FakeRequest LastRequest => Requests.Last();

    public async ValueTask DisposeAsync()
    {
        Events.Abort();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
        var authorization = context.Request.Headers.Authorization.Count == 0 ? null : context.Request.Headers.Authorization.ToString();
        var lastEventId = context.Request.Headers["Last-Event-ID"].Count == 0 ? null : context.Request.Headers["Last-Event-ID"].ToString();
        Requests.Enqueue(new FakeRequest(context.Request.Method, rawTarget, authorization, lastEventId, body));

        if (HoldRequests)
        {
            _held.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up: that is what a held request is for.
            }

            return;
        }

        if (CutAnswers)
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 1000;
            await context.Response.WriteAsync("{\"self\":", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            context.Abort();
            return;
        }

        if (RequiredToken is not null && authorization != $"Bearer {RequiredToken}")
        {
            await ProblemAsync(context, 401, "Unauthorized", "a valid bearer token is required");
        }
        else if (Forbidden)
        {
            await ProblemAsync(context, 403, "Forbidden", "without a token this node only serves loopback clients");
        }
        else if (NotReadyReason is { } reason)
        {
            await ProblemAsync(context, 503, "Service Unavailable", reason);
        }
        else if (FailWithStatus is { } status)
        {
            await (FailBody is { } failBody
                ? AnswerAsync(context, status, failBody, FailContentType)
                : ProblemAsync(context, status, "Failure", "the journal is unavailable"));
        }
        else if (RawAnswer is { } raw)
        {
            await AnswerAsync(context, 200, raw, RawAnswerContentType);
        }
        else
        {
            await RouteAsync(context, rawTarget, body);
        }
    }

    private Task RouteAsync(HttpContext context, string rawTarget, string body)
    {
        var path = rawTarget.Split('?')[0];
        var segments = path.Split('/').Skip(1).Select(Uri.UnescapeDataString).ToArray();
        return (context.Request.Method, segments) switch
        {
            ("GET", ["v1", "cluster"]) => JsonAsync(context, ClusterJson),
            ("GET", ["v1", "cluster", "events"]) => Events.ServeAsync(context, ClusterJson),
            ("POST", ["v1", "cluster", "leave"]) => AnswerAsync(context, 202, """{"id":"n1","status":"Leaving"}"""),
            ("POST", ["v1", "cluster", "leave", var id]) => MemberChangeAsync(context, id, "Leaving"),
            ("POST", ["v1", "cluster", "down", var id]) => MemberChangeAsync(context, id, "Down"),
            ("GET", ["v1", "sync", "peers"]) => JsonAsync(context, SyncPeersJson),
            ("GET", ["v1", "sync", "status"]) => JsonAsync(context, SyncStatusJson),
            ("GET", ["v1", "node"]) => JsonAsync(context, NodeJson),
            ("GET", ["v1", "node", "actors"]) => JsonAsync(context, ActorsJson),
            ("GET", ["v1", "node", "logs"]) => JsonAsync(context, LogsJson),
            ("GET", ["v1", "collections", var c, "records"]) => ListRecordsAsync(context, c),
            (var method, ["v1", "collections", var c, "records", var key]) => RecordAsync(context, method, c, key, body),
            _ => ProblemAsync(context, 404, "Not Found", $"no route for {context.Request.Method} {path}"),
        };
    }

    private Task MemberChangeAsync(HttpContext context, string id, string status)
    {
        var members = JsonNode.Parse(ClusterJson)!["members"]!.AsArray().Select(m => (string)m!["id"]!);
        if (!members.Contains(id))
        {
            return ProblemAsync(context, 404, "Not Found", $"no member '{id}' in this cluster");
        }

        if (FailingDowns.Contains(id))
        {
            return ProblemAsync(context, 500, "Internal Server Error", $"could not publish the down of {id}");
        }

        return AnswerAsync(context, 202, new JsonObject { ["id"] = id, ["status"] = status }.ToJsonString());
    }

    private static Task JsonAsync(HttpContext context, string json) => AnswerAsync(context, 200, json);

    private static async Task AnswerAsync(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    private static Task ProblemAsync(HttpContext context, int status, string title, string detail) =>
        AnswerAsync(context, status,
            new JsonObject { ["type"] = "about:blank", ["title"] = title, ["status"] = status, ["detail"] = detail }.ToJsonString(),
            "application/problem+json");
}

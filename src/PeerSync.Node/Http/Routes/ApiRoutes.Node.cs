using System.Text;
using Microsoft.AspNetCore.Http;
using PeerSync.Node.Http.Json;
using PeerSync.Node.Http.Requests;
using PeerSync.Node.Metrics;

namespace PeerSync.Node.Http.Routes;

/// <summary>Sync state, node information, diagnostics, health and metrics.</summary>
internal sealed partial class ApiRoutes
{
    private static readonly HealthBody Live = new("live");
    private static readonly HealthBody Ready = new("ready");

    private Task SyncPeersAsync(HttpContext context)
    {
        JsonResponse.Write(context, StatusCodes.Status200OK, api.Sync.Peers(), HttpJsonContext.Default.IReadOnlyListSyncPeerView);
        return Task.CompletedTask;
    }

    private Task SyncStatusAsync(HttpContext context)
    {
        JsonResponse.Write(context, StatusCodes.Status200OK, api.Sync.Status(), HttpJsonContext.Default.SyncStatusView);
        return Task.CompletedTask;
    }

    private Task NodeAsync(HttpContext context)
    {
        JsonResponse.Write(context, StatusCodes.Status200OK, api.Info, HttpJsonContext.Default.NodeInfoView);
        return Task.CompletedTask;
    }

    private Task ActorsAsync(HttpContext context)
    {
        JsonResponse.Write(context, StatusCodes.Status200OK, api.Actors(), ViewWriters.Actor);
        return Task.CompletedTask;
    }

    private Task LogsAsync(HttpContext context)
    {
        var limit = QueryParameters.Limit(context.Request);
        var level = QueryParameters.Level(context.Request);
        var page = new LogPageBody(api.RecentLogs(limit, level));
        JsonResponse.Write(context, StatusCodes.Status200OK, page, HttpJsonContext.Default.LogPageBody);
        return Task.CompletedTask;
    }

    private static Task LiveAsync(HttpContext context)
    {
        // Answering at all is the liveness signal: nothing else is consulted.
        JsonResponse.Write(context, StatusCodes.Status200OK, Live, HttpJsonContext.Default.HealthBody);
        return Task.CompletedTask;
    }

    private Task ReadyAsync(HttpContext context)
    {
        var health = api.Health();
        if (health.Ready)
        {
            JsonResponse.Write(context, StatusCodes.Status200OK, Ready, HttpJsonContext.Default.HealthBody);
        }
        else
        {
            var notReady = new HealthBody("not-ready") { Reason = health.Reason ?? "the node is not ready" };
            JsonResponse.Write(context, StatusCodes.Status503ServiceUnavailable, notReady, HttpJsonContext.Default.HealthBody);
        }

        return Task.CompletedTask;
    }

    private Task MetricsAsync(HttpContext context)
    {
        var text = metrics.Scrape();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = PrometheusText.ContentType;
        Encoding.UTF8.GetBytes(text, context.Response.BodyWriter);
        return Task.CompletedTask;
    }
}

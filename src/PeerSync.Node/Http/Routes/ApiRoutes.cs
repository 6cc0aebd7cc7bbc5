using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PeerSync.Hosting.Api;
using PeerSync.Node.Http.Pipeline;
using PeerSync.Node.Http.Requests;
using PeerSync.Node.Metrics;

namespace PeerSync.Node.Http.Routes;

/// <summary>
/// Every route of docs/http-api.md, mapped onto <see cref="IPeerSyncApi"/>. Handlers are plain
/// <see cref="RequestDelegate"/>s (no parameter binding by reflection): they parse what they need,
/// call the facade, and write the answer; failures are exceptions that the pipeline's
/// ErrorHandling turns into problems.
/// </summary>
internal sealed partial class ApiRoutes(
    IPeerSyncApi api,
    PrometheusExporter metrics,
    long maxBodyBytes,
    TimeProvider time,
    TimeSpan heartbeatInterval,
    CancellationToken stopping)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPut("/v1/collections/{collection}/records/{key}", new RequestDelegate(PutRecordAsync));
        routes.MapGet("/v1/collections/{collection}/records/{key}", new RequestDelegate(GetRecordAsync));
        routes.MapDelete("/v1/collections/{collection}/records/{key}", new RequestDelegate(DeleteRecordAsync));
        routes.MapGet("/v1/collections/{collection}/records", new RequestDelegate(ListRecordsAsync));
        routes.MapGet("/v1/collections/{collection}/digest", new RequestDelegate(DigestAsync));
        routes.MapGet("/v1/changes", new RequestDelegate(ChangesAsync)).WithMetadata(StreamingEndpoint.Instance);

        routes.MapGet("/v1/cluster", new RequestDelegate(ClusterAsync));
        routes.MapGet("/v1/cluster/events", new RequestDelegate(ClusterEventsAsync)).WithMetadata(StreamingEndpoint.Instance);
        routes.MapPost("/v1/cluster/leave", new RequestDelegate(LeaveAsync));
        routes.MapPost("/v1/cluster/leave/{id}", new RequestDelegate(LeaveMemberAsync));
        routes.MapPost("/v1/cluster/down/{id}", new RequestDelegate(DownAsync));

        routes.MapGet("/v1/sync/peers", new RequestDelegate(SyncPeersAsync));
        routes.MapGet("/v1/sync/status", new RequestDelegate(SyncStatusAsync));

        routes.MapGet("/v1/node", new RequestDelegate(NodeAsync));
        routes.MapGet("/v1/node/actors", new RequestDelegate(ActorsAsync));
        routes.MapGet("/v1/node/logs", new RequestDelegate(LogsAsync));
        routes.MapGet("/v1/health/live", new RequestDelegate(LiveAsync));
        routes.MapGet("/v1/health/ready", new RequestDelegate(ReadyAsync));
        routes.MapGet("/metrics", new RequestDelegate(MetricsAsync));
    }

    /// <summary>A route value decoded from the raw path (see RawTargetPath).</summary>
    private static string Segment(HttpContext context, string name, string what) =>
        PathSegment.Decode(context.Request.RouteValues[name] as string ?? "", what);

    private static string Collection(HttpContext context)
    {
        var collection = Segment(context, "collection", "collection name");
        NameRules.CheckCollection(collection);
        return collection;
    }

    private static string Key(HttpContext context)
    {
        var key = Segment(context, "key", "key");
        NameRules.CheckKey(key);
        return key;
    }
}

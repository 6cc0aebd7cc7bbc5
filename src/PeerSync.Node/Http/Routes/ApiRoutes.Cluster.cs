using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PeerSync.Hosting.Api;
using PeerSync.Node.Http.Json;
using PeerSync.Node.Http.Streaming;

namespace PeerSync.Node.Http.Routes;

/// <summary>The cluster view, its event stream and the operator's commands.</summary>
internal sealed partial class ApiRoutes
{
    private const string SnapshotEventType = "snapshot";

    private Task ClusterAsync(HttpContext context)
    {
        JsonResponse.Write(context, StatusCodes.Status200OK, api.Cluster.State(), HttpJsonContext.Default.ClusterView);
        return Task.CompletedTask;
    }

    /// <summary>`GET /v1/cluster/events`: `event: snapshot` with the cluster body, then `event: member` per change.</summary>
    private async Task ClusterEventsAsync(HttpContext context)
    {
        using var streamEnd = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var token = streamEnd.Token;
        var stream = new EventStreamResponse(context, time, heartbeatInterval);
        await using (stream.ConfigureAwait(false))
        {
            await stream.StartAsync(token).ConfigureAwait(false);
            try
            {
                await foreach (var change in api.Cluster.EventsAsync(token).WithCancellation(token).ConfigureAwait(false))
                {
                    if (change.Type == SnapshotEventType)
                    {
                        var snapshot = change.Snapshot ?? api.Cluster.State();
                        await stream.WriteAsync("snapshot", null, snapshot, WriteCluster, token).ConfigureAwait(false);
                    }
                    else
                    {
                        var body = new MemberEventBody(change.Type, change.Member, change.Leader, change.Epoch, change.At);
                        await stream.WriteAsync("member", null, body, WriteMemberEvent, token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The client went away or the server is stopping: the stream simply ends.
            }
        }
    }

    private async Task LeaveAsync(HttpContext context)
    {
        var result = await api.Cluster.LeaveAsync(null, context.RequestAborted).ConfigureAwait(false);
        JsonResponse.Write(context, StatusCodes.Status202Accepted, result, HttpJsonContext.Default.MemberCommandView);
    }

    private async Task LeaveMemberAsync(HttpContext context)
    {
        var id = Segment(context, "id", "member id");
        var result = await api.Cluster.LeaveAsync(id, context.RequestAborted).ConfigureAwait(false);
        JsonResponse.Write(context, StatusCodes.Status202Accepted, result, HttpJsonContext.Default.MemberCommandView);
    }

    private async Task DownAsync(HttpContext context)
    {
        var id = Segment(context, "id", "member id");
        var result = await api.Cluster.DownAsync(id, context.RequestAborted).ConfigureAwait(false);
        JsonResponse.Write(context, StatusCodes.Status202Accepted, result, HttpJsonContext.Default.MemberCommandView);
    }

    private static void WriteCluster(Utf8JsonWriter writer, ClusterView cluster) =>
        JsonSerializer.Serialize(writer, cluster, HttpJsonContext.Default.ClusterView);

    private static void WriteMemberEvent(Utf8JsonWriter writer, MemberEventBody body) =>
        JsonSerializer.Serialize(writer, body, HttpJsonContext.Default.MemberEventBody);
}

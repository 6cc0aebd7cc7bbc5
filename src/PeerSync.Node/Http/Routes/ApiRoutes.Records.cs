using Microsoft.AspNetCore.Http;
using PeerSync.Hosting.Api;
using PeerSync.Node.Http.Json;
using PeerSync.Node.Http.Requests;
using PeerSync.Node.Http.Streaming;

namespace PeerSync.Node.Http.Routes;

/// <summary>Records, digests and the change feed.</summary>
internal sealed partial class ApiRoutes
{
    private async Task PutRecordAsync(HttpContext context)
    {
        var collection = Collection(context);
        var key = Key(context);
        var value = await JsonRequestBody.ReadValueAsync(context.Request, maxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        var written = await api.Records.PutAsync(collection, key, value, context.RequestAborted).ConfigureAwait(false);
        JsonResponse.Write(context, StatusCodes.Status200OK, written, HttpJsonContext.Default.WriteResultView);
    }

    private async Task GetRecordAsync(HttpContext context)
    {
        var collection = Collection(context);
        var key = Key(context);
        var record = await api.Records.GetAsync(collection, key, context.RequestAborted).ConfigureAwait(false);
        if (record is null)
        {
            NoRecord(context, collection, key);
            return;
        }

        JsonResponse.Write(context, StatusCodes.Status200OK, record, ViewWriters.Record);
    }

    private async Task DeleteRecordAsync(HttpContext context)
    {
        var collection = Collection(context);
        var key = Key(context);
        var written = await api.Records.DeleteAsync(collection, key, context.RequestAborted).ConfigureAwait(false);
        if (written is null)
        {
            NoRecord(context, collection, key);
            return;
        }

        JsonResponse.Write(context, StatusCodes.Status200OK, written, HttpJsonContext.Default.WriteResultView);
    }

    private async Task ListRecordsAsync(HttpContext context)
    {
        var collection = Collection(context);
        var limit = QueryParameters.Limit(context.Request);
        var after = QueryParameters.Single(context.Request, "after");
        var page = await api.Records.ListAsync(collection, string.IsNullOrEmpty(after) ? null : after, limit, context.RequestAborted).ConfigureAwait(false);
        JsonResponse.Write(context, StatusCodes.Status200OK, page, ViewWriters.RecordPage);
    }

    private async Task DigestAsync(HttpContext context)
    {
        var collection = Collection(context);
        var digest = await api.Records.DigestAsync(collection, context.RequestAborted).ConfigureAwait(false);
        JsonResponse.Write(context, StatusCodes.Status200OK, digest, HttpJsonContext.Default.DigestView);
    }

    /// <summary>`GET /v1/changes`: `event: change` per applied change, `id:` its position, from `Last-Event-ID` or `since`.</summary>
    private async Task ChangesAsync(HttpContext context)
    {
        var since = QueryParameters.ChangesSince(context.Request);
        using var streamEnd = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var token = streamEnd.Token;
        var stream = new EventStreamResponse(context, time, heartbeatInterval);
        await using (stream.ConfigureAwait(false))
        {
            await stream.StartAsync(token).ConfigureAwait(false);
            try
            {
                await foreach (var change in api.Records.ChangesAsync(since, token).WithCancellation(token).ConfigureAwait(false))
                {
                    await stream.WriteAsync("change", change.Position, change, ViewWriters.Change, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The client went away or the server is stopping: the stream simply ends.
            }
        }
    }

    private static void NoRecord(HttpContext context, string collection, string key) =>
        JsonResponse.WriteProblem(context, StatusCodes.Status404NotFound,
            $"no record '{NameRules.Show(key)}' in collection '{collection}'");
}

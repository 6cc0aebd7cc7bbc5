using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PeerSync.Node.Http.Json;

namespace PeerSync.Node.Http.Pipeline;

/// <summary>
/// `peersync.http.request-timeout`: a request still running after it is cancelled (the handler
/// sees <see cref="HttpContext.RequestAborted"/> fire) and answered 503. Cancellation is
/// cooperative, as every facade call takes the token. The event streams are exempt (endpoint
/// metadata <see cref="StreamingEndpoint"/>). The clock is the injected one, so tests can time out
/// a request by advancing it.
/// </summary>
internal sealed class RequestTimeout(RequestDelegate next, TimeSpan timeout, TimeProvider time, ILogger logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<StreamingEndpoint>() is not null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var aborted = context.RequestAborted;
        using var deadline = new CancellationTokenSource(timeout, time);
        using var link = aborted.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
        context.RequestAborted = deadline.Token;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            HttpLog.RequestTimedOut(logger, context.Request.Method, ErrorHandling.Shown(context.Request.Path), timeout);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.Clear();
            JsonResponse.WriteProblem(context, StatusCodes.Status503ServiceUnavailable, string.Create(CultureInfo.InvariantCulture,
                $"the request did not complete within {timeout.TotalSeconds:0.###}s (peersync.http.request-timeout); the node may be overloaded"));
        }
        finally
        {
            context.RequestAborted = aborted;
        }
    }
}

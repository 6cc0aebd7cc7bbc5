using System.Collections.Concurrent;
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
/// a request by advancing it. Deadlines are pooled (re-armed with CancelAfter, reset after the
/// request) because a fresh source and timer per request were a fifth of a write's allocations.
/// </summary>
internal sealed class RequestTimeout(RequestDelegate next, TimeSpan timeout, TimeProvider time, ILogger logger)
{
    /// <summary>Idle deadlines kept for reuse: about the number of requests in flight at once.</summary>
    private const int MaxPooledDeadlines = 256;

    private readonly ConcurrentQueue<CancellationTokenSource> _deadlines = new();

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<StreamingEndpoint>() is not null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var aborted = context.RequestAborted;
        var deadline = RentDeadline();
        var link = aborted.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
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
            link.Dispose();
            ReturnDeadline(deadline);
        }
    }

    private CancellationTokenSource RentDeadline()
    {
        if (!_deadlines.TryDequeue(out var deadline))
        {
            // Created on the injected clock with no due time; CancelAfter arms it on that clock.
            deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        }

        deadline.CancelAfter(timeout);
        return deadline;
    }

    private void ReturnDeadline(CancellationTokenSource deadline)
    {
        // TryReset fails once the source was cancelled (timed out, or the client went away), and a
        // cancelled source cannot be used again.
        if (_deadlines.Count < MaxPooledDeadlines && deadline.TryReset())
        {
            _deadlines.Enqueue(deadline);
        }
        else
        {
            deadline.Dispose();
        }
    }
}

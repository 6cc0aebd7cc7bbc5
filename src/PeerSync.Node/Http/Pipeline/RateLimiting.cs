using System.Globalization;
using Microsoft.AspNetCore.Http;
using PeerSync.Node.Http.Json;

namespace PeerSync.Node.Http.Pipeline;

/// <summary>
/// Applies <see cref="ClientRateLimiter"/> before authentication, so a client guessing tokens is
/// limited too: an empty bucket is a 429 problem with `Retry-After` in whole seconds (at least 1).
/// </summary>
internal sealed class RateLimiting(RequestDelegate next, ClientRateLimiter limiter)
{
    public Task InvokeAsync(HttpContext context)
    {
        var client = context.Connection.RemoteIpAddress;
        if (limiter.TryAcquire(client, out var retryAfter))
        {
            return next(context);
        }

        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        JsonResponse.WriteProblem(context, StatusCodes.Status429TooManyRequests, string.Create(CultureInfo.InvariantCulture,
            $"client {client} made more than {limiter.RequestsPerSecond} requests per second (burst {limiter.Burst}, peersync.http.rate-limit); retry after {seconds}s"));
        return Task.CompletedTask;
    }
}

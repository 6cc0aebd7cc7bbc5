using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Api;
using PeerSync.Node.Http.Json;
using PeerSync.Node.Http.Requests;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace PeerSync.Node.Http.Pipeline;

/// <summary>
/// The outermost step: every failure becomes an `application/problem+json` answer whose detail
/// names the problem. Expected conditions map to their status (the facade's exceptions, bad
/// requests, limits); anything else is a 500 that shows the client only a trace id and logs one
/// error line with the exception. Routing's bare 404 and 405 get problem bodies too. A failure
/// after the answer started (a stream) cannot change the status: it is logged and the connection
/// closed, so the client sees a broken answer rather than a truncated one passing as complete.
/// </summary>
internal sealed class ErrorHandling(RequestDelegate next, ILogger logger, long maxBodyBytes, CancellationToken stopping)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            RawTargetPath.Apply(context);
            await next(context).ConfigureAwait(false);
            var response = context.Response;
            if (!response.HasStarted && response.ContentType is null)
            {
                if (response.StatusCode == StatusCodes.Status404NotFound)
                {
                    JsonResponse.WriteProblem(context, StatusCodes.Status404NotFound,
                        $"no route for {context.Request.Method} {Shown(context.Request.Path)}; the routes are listed in docs/http-api.md");
                }
                else if (response.StatusCode == StatusCodes.Status405MethodNotAllowed)
                {
                    JsonResponse.WriteProblem(context, StatusCodes.Status405MethodNotAllowed,
                        $"{context.Request.Method} is not allowed on {Shown(context.Request.Path)}; allowed: {response.Headers.Allow}");
                }
            }
        }
        catch (Exception e)
        {
            Handle(context, e);
        }
    }

    private void Handle(HttpContext context, Exception error)
    {
        var clientGone = context.RequestAborted.IsCancellationRequested;
        if (clientGone && error is OperationCanceledException or IOException)
        {
            // The client went away; there is nobody to answer.
            return;
        }

        var (status, detail) = Classify(error);
        var unexpected = status == StatusCodes.Status500InternalServerError;
        var request = context.Request;
        if (context.Response.HasStarted)
        {
            if (unexpected)
            {
                HttpLog.ResponseFailed(logger, error, request.Method, Shown(request.Path), context.TraceIdentifier);
            }

            context.Abort();
            return;
        }

        if (unexpected)
        {
            HttpLog.RequestFailed(logger, error, request.Method, Shown(request.Path), context.TraceIdentifier);
            detail = $"the node failed to handle {request.Method} {Shown(request.Path)}; its log has the error (trace {context.TraceIdentifier})";
        }

        context.Response.Clear();
        JsonResponse.WriteProblem(context, status, detail, unexpected ? context.TraceIdentifier : null);
    }

    private (int Status, string Detail) Classify(Exception error) => error switch
    {
        HttpProblemException problem => (problem.Status, problem.Message),
        InvalidNameException invalid => (StatusCodes.Status400BadRequest, invalid.Message),
        RecordNotOwnedException notOwned => (StatusCodes.Status409Conflict, notOwned.Message),
        UnknownMemberException unknown => (StatusCodes.Status404NotFound, unknown.Message),
        NodeNotReadyException notReady => (StatusCodes.Status503ServiceUnavailable, notReady.Reason),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, JsonRequestBody.TooLargeDetail(maxBodyBytes)),
        BadHttpRequestException bad => (bad.StatusCode, "the request is malformed: " + bad.Message),
        OperationCanceledException when stopping.IsCancellationRequested => (StatusCodes.Status503ServiceUnavailable, "the node's HTTP API is shutting down"),
        _ => (StatusCodes.Status500InternalServerError, ""),
    };

    /// <summary>A path as errors and logs show it: clipped, so a client cannot make a huge log line.</summary>
    internal static string Shown(PathString path)
    {
        const int MaxChars = 200;
        var value = path.Value ?? "/";
        return value.Length <= MaxChars ? value : value[..MaxChars] + "...";
    }
}

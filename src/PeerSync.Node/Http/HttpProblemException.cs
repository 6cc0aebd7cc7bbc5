using Microsoft.AspNetCore.Http;

namespace PeerSync.Node.Http;

/// <summary>
/// A request the server refuses with <see cref="Status"/> and a problem whose detail is the
/// message. Thrown by request parsing (names, query parameters, bodies) and turned into an
/// `application/problem+json` answer by the pipeline's error handling.
/// </summary>
internal sealed class HttpProblemException(int status, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public static HttpProblemException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, detail);
}

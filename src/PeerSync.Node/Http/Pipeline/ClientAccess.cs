using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using PeerSync.Node.Http.Json;

namespace PeerSync.Node.Http.Pipeline;

/// <summary>
/// Who may call the API (docs/http-api.md): with a token, every request but `GET /v1/health/*`
/// and `GET /metrics` needs `Authorization: Bearer &lt;token&gt;` (else 401 with
/// `WWW-Authenticate`); without one, only loopback clients are served (else 403). Tokens are
/// compared as SHA-256 digests in constant time, so neither the content nor the length of the
/// configured token leaks through timing.
/// </summary>
internal sealed class ClientAccess
{
    private const string Challenge = "Bearer realm=\"peersync\"";
    private const string InvalidTokenChallenge = "Bearer realm=\"peersync\", error=\"invalid_token\"";
    private const int StackTokenBytes = 256;

    private readonly RequestDelegate _next;
    private readonly byte[]? _tokenDigest;

    public ClientAccess(RequestDelegate next, string token)
    {
        _next = next;
        _tokenDigest = token.Length == 0 ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (_tokenDigest is null)
        {
            if (IsLoopback(context.Connection.RemoteIpAddress))
            {
                return _next(context);
            }

            JsonResponse.WriteProblem(context, StatusCodes.Status403Forbidden,
                $"this node has no token (peersync.http.token), so it serves only clients on its own machine, and {context.Connection.RemoteIpAddress} is not a loopback address");
            return Task.CompletedTask;
        }

        if (IsOpen(context.Request))
        {
            return _next(context);
        }

        var header = context.Request.Headers.Authorization;
        if (header.Count == 0)
        {
            return Refuse(context, Challenge, "this node requires a token: send Authorization: Bearer <token> (peersync.http.token)");
        }

        var value = header.Count == 1 ? header[0] ?? "" : "";
        if (value.Length < 7 || !value.AsSpan(0, 7).Equals("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(context, Challenge, "the Authorization header must be one 'Bearer <token>'");
        }

        if (!Matches(value.AsSpan(7).Trim()))
        {
            return Refuse(context, InvalidTokenChallenge, "the bearer token is not the one this node accepts (peersync.http.token)");
        }

        return _next(context);
    }

    /// <summary>Health probes and metrics scrapes need no token (they reveal no records).</summary>
    internal static bool IsOpen(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && (request.Path.StartsWithSegments("/v1/health", StringComparison.OrdinalIgnoreCase, out var rest) && rest.HasValue
            || request.Path.Equals("/metrics", StringComparison.OrdinalIgnoreCase));

    internal static bool IsLoopback(IPAddress? address) =>
        address is not null && (IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4())));

    private bool Matches(ReadOnlySpan<char> presented)
    {
        var length = Encoding.UTF8.GetMaxByteCount(presented.Length);
        var rented = length > StackTokenBytes ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> bytes = rented ?? stackalloc byte[StackTokenBytes];
        try
        {
            var count = Encoding.UTF8.GetBytes(presented, bytes);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..count], digest);
            return CryptographicOperations.FixedTimeEquals(digest, _tokenDigest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    private static Task Refuse(HttpContext context, string challenge, string detail)
    {
        context.Response.Headers.WWWAuthenticate = challenge;
        JsonResponse.WriteProblem(context, StatusCodes.Status401Unauthorized, detail);
        return Task.CompletedTask;
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PeerSync.Cli.Api.Model;

namespace PeerSync.Cli.Api;

/// <summary>
/// Turns every way a request can fail into one operator-facing line: what failed, why (the node's
/// problem detail when it gave one), and what to try next.
/// </summary>
internal static class NodeErrors
{
    private const int MaxDetailChars = 300;

    /// <summary>
    /// A failure below HTTP. Not getting a connection at all suggests a wrong address (say so and
    /// point at --node); losing one that was made is reported as a broken connection.
    /// </summary>
    public static NodeRequestException Transport(NodeEndpoint node, string operation, HttpRequestException error)
    {
        var socket = FindSocketError(error);
        var unreachable = error.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"host name '{node.Host}' could not be resolved",
            HttpRequestError.SecureConnectionError => "the TLS handshake failed (is it https, with a trusted certificate?)",
            HttpRequestError.ConnectionError when socket is not (SocketError.ConnectionReset or SocketError.ConnectionAborted) =>
                socket is null ? OneLine(error.Message) : SocketReason(socket),
            _ => null,
        };
        if (unreachable is not null)
        {
            return new NodeRequestException(
                NodeErrorKind.Unreachable,
                $"cannot reach the node at {node}: {unreachable}; is it running there? Point psync at a node with --node host:port or PSYNC_NODE",
                null,
                error);
        }

        if (error.HttpRequestError == HttpRequestError.InvalidResponse)
        {
            return new NodeRequestException(
                NodeErrorKind.Malformed,
                $"{node} did not answer {operation} in HTTP ({OneLine(error.Message)}); is --node the node's HTTP port (peersync.http.port), not its cluster port?",
                null,
                error);
        }

        var reason = socket is { } s ? SocketReason(s) : OneLine(error.Message);
        return new NodeRequestException(NodeErrorKind.Unreachable, $"the connection to the node at {node} broke during {operation}: {reason}", null, error);
    }

    /// <summary>The connection failed after the request went out (reset, or closed mid-answer).</summary>
    public static NodeRequestException Broken(NodeEndpoint node, string operation, IOException error) =>
        new(NodeErrorKind.Unreachable, $"the connection to the node at {node} broke during {operation}: {OneLine(error.Message)}", null, error);

    public static NodeRequestException Timeout(NodeEndpoint node, string operation, TimeSpan timeout) =>
        new(NodeErrorKind.Timeout,
            $"the node at {node} did not answer {operation} within {Durations.Format(timeout)}; is the address right (--node)? Wait longer with --timeout");

    public static NodeRequestException Malformed(NodeEndpoint node, string operation, string problem, Exception? inner = null) =>
        new(NodeErrorKind.Malformed, $"malformed answer from the node at {node} to {operation}: {OneLine(problem)}", null, inner);

    public static NodeRequestException Status(NodeEndpoint node, string operation, HttpResponseMessage response, byte[] body, bool tokenGiven)
    {
        var code = (int)response.StatusCode;
        var status = $"{code.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase ?? response.StatusCode.ToString()}";
        var detail = Detail(response.Content.Headers.ContentType, body);
        var because = detail is null ? "" : $": {detail}";
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new(NodeErrorKind.Unauthorized, tokenGiven
                ? $"the node at {node} rejected the token ({status}); pass the right one with --token or PSYNC_TOKEN"
                : $"the node at {node} requires a token ({status}); pass it with --token or PSYNC_TOKEN", code),
            HttpStatusCode.Forbidden => new(NodeErrorKind.Forbidden, detail is null
                ? $"the node at {node} refused {operation} ({status}); a node without a token only serves clients on its own machine"
                : $"the node at {node} refused {operation} ({status}){because}", code),
            HttpStatusCode.NotFound => new(NodeErrorKind.NotFound, $"not found{(detail is null ? $" ({operation})" : because)}", code),
            HttpStatusCode.Conflict => new(NodeErrorKind.Conflict, $"conflict{(detail is null ? $" ({operation})" : because)}", code),
            HttpStatusCode.ServiceUnavailable => new(NodeErrorKind.NotReady,
                $"the node at {node} is not ready{(detail is null ? $" ({status})" : because)}; try again once it has joined and synced", code),
            HttpStatusCode.TooManyRequests => new(NodeErrorKind.RateLimited,
                $"the node at {node} is rate limiting requests ({status}){RetryAfter(response)}", code),
            _ when code >= 500 => new(NodeErrorKind.ServerError, $"the node at {node} failed on {operation} ({status}){because}", code),
            _ when code >= 400 => new(NodeErrorKind.Rejected, $"the node at {node} rejected {operation} ({status}){because}", code),
            _ => new(NodeErrorKind.Malformed, $"unexpected answer from the node at {node} to {operation} ({status}){because}", code),
        };
    }

    /// <summary>The problem's detail (or readiness reason, or title), else the start of a text body.</summary>
    private static string? Detail(MediaTypeHeaderValue? contentType, byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        var isJson = contentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false;
        if (isJson)
        {
            try
            {
                var problem = JsonSerializer.Deserialize(body, CliJson.Context.Problem);
                var text = problem?.Detail ?? problem?.Reason ?? problem?.Title;
                return string.IsNullOrWhiteSpace(text) ? null : Clip(OneLine(text));
            }
            catch (JsonException)
            {
                // Not the problem shape the contract promises: fall back to showing the raw text.
            }
        }

        var raw = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, MaxDetailChars * 4));
        var line = OneLine(raw);
        return line.Length == 0 ? null : Clip(line);
    }

    private static string RetryAfter(HttpResponseMessage response)
    {
        var retry = response.Headers.RetryAfter;
        if (retry?.Delta is { } delta)
        {
            return $"; retry after {Durations.Format(delta)}";
        }

        return retry?.Date is { } date ? $"; retry after {date.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" : "; retry later";
    }

    private static SocketError? FindSocketError(Exception error)
    {
        for (var e = error.InnerException; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }

    private static string SocketReason(SocketError? error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "the host name could not be resolved",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "no route to the host",
        SocketError.TimedOut => "the connection attempt timed out",
        SocketError.ConnectionReset => "the connection was reset",
        _ => $"socket error {error}",
    };

    private static string Clip(string text) => text.Length <= MaxDetailChars ? text : text[..MaxDetailChars] + "...";

    /// <summary>Control characters (newlines included) become spaces so every error stays one line.</summary>
    public static string OneLine(string text)
    {
        var builder = new StringBuilder(text.Length);
        var lastWasSpace = false;
        foreach (var c in text.Trim())
        {
            var space = char.IsControl(c) || char.IsWhiteSpace(c);
            if (space && lastWasSpace)
            {
                continue;
            }

            builder.Append(space ? ' ' : c);
            lastWasSpace = space;
        }

        return builder.ToString();
    }
}

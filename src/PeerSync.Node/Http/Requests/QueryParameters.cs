using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PeerSync.Node.Http.Requests;

/// <summary>
/// The query parameters and headers of docs/http-api.md, parsed strictly: a value that is not in
/// the documented range, or a parameter given twice, is a 400 naming the parameter and the range.
/// </summary>
internal static class QueryParameters
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>`limit`: 1-1000, default 100.</summary>
    public static int Limit(HttpRequest request)
    {
        var text = Single(request, "limit");
        if (text is null)
        {
            return DefaultLimit;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > MaxLimit)
        {
            throw HttpProblemException.BadRequest(
                $"limit '{NameRules.Show(text)}' is not valid: use a whole number from 1 to {MaxLimit} (default {DefaultLimit})");
        }

        return limit;
    }

    /// <summary>
    /// The change feed's start: the `Last-Event-ID` header (sent by a reconnecting client, so more
    /// recent than the URL's `since`), else `since`, else null (from now).
    /// </summary>
    public static long? ChangesSince(HttpRequest request)
    {
        var lastEventId = request.Headers["Last-Event-ID"];
        if (lastEventId.Count > 1)
        {
            throw HttpProblemException.BadRequest("the Last-Event-ID header is given more than once; give it once");
        }

        if (lastEventId.Count == 1 && !string.IsNullOrEmpty(lastEventId[0]))
        {
            return Position(lastEventId[0]!, "Last-Event-ID");
        }

        var since = Single(request, "since");
        return since is null ? null : Position(since, "since");
    }

    /// <summary>`level`: the minimum level of `GET /v1/node/logs`, default Information.</summary>
    public static LogLevel Level(HttpRequest request)
    {
        var text = Single(request, "level");
        return text?.ToUpperInvariant() switch
        {
            null => LogLevel.Information,
            "VERBOSE" or "TRACE" => LogLevel.Trace,
            "DEBUG" => LogLevel.Debug,
            "INFORMATION" => LogLevel.Information,
            "WARNING" => LogLevel.Warning,
            "ERROR" => LogLevel.Error,
            "FATAL" or "CRITICAL" => LogLevel.Critical,
            _ => throw HttpProblemException.BadRequest(
                $"level '{NameRules.Show(text)}' is not a log level: use one of Verbose, Debug, Information, Warning, Error, Fatal (or Trace, Critical)"),
        };
    }

    /// <summary>A parameter given at most once; null when absent.</summary>
    public static string? Single(HttpRequest request, string name)
    {
        if (!request.Query.TryGetValue(name, out var values) || values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            throw HttpProblemException.BadRequest(
                string.Create(CultureInfo.InvariantCulture, $"the query parameter {name} is given {values.Count} times; give it once"));
        }

        return values[0];
    }

    private static long Position(string text, string name)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            throw HttpProblemException.BadRequest(
                $"{name} '{NameRules.Show(text)}' is not a change position: use the whole number of an event's id (0 or more)");
        }

        return position;
    }
}

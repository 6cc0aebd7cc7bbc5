using System.Globalization;
using System.Text;

namespace PeerSync.Cli.Api;

/// <summary>
/// Request paths of docs/http-api.md with every name escaped as one path segment: keys may hold
/// spaces, ':', '/', '?', '#', '%' or non-ASCII text, and none of it may change the route.
/// </summary>
public static class ApiPaths
{
    public const string Cluster = "/v1/cluster";
    public const string ClusterEvents = "/v1/cluster/events";
    public const string Leave = "/v1/cluster/leave";
    public const string SyncPeers = "/v1/sync/peers";
    public const string SyncStatus = "/v1/sync/status";
    public const string Node = "/v1/node";
    public const string Actors = "/v1/node/actors";

    public static string LeaveMember(string id) => $"{Leave}/{Segment(id)}";

    public static string Down(string id) => $"/v1/cluster/down/{Segment(id)}";

    public static string Record(string collection, string key) => $"{Records(collection)}/{Segment(key)}";

    public static string Records(string collection) => $"/v1/collections/{Segment(collection)}/records";

    public static string RecordPage(string collection, string? after, int? limit)
    {
        var query = new StringBuilder();
        if (after is not null)
        {
            query.Append(query.Length == 0 ? '?' : '&').Append("after=").Append(Uri.EscapeDataString(after));
        }

        if (limit is { } n)
        {
            query.Append(query.Length == 0 ? '?' : '&').Append("limit=").Append(n.ToString(CultureInfo.InvariantCulture));
        }

        return Records(collection) + query;
    }

    public static string Logs(int? limit, string? level)
    {
        var query = new StringBuilder();
        if (limit is { } n)
        {
            query.Append("?limit=").Append(n.ToString(CultureInfo.InvariantCulture));
        }

        if (level is not null)
        {
            query.Append(query.Length == 0 ? '?' : '&').Append("level=").Append(Uri.EscapeDataString(level));
        }

        return "/v1/node/logs" + query;
    }

    /// <summary>
    /// One escaped path segment. Segments made only of dots are escaped as %2E too: left as `.` or
    /// `..` they are dot-segments that URI normalisation would remove, changing the route.
    /// </summary>
    public static string Segment(string value)
    {
        if (value.Length > 0 && value.AsSpan().IndexOfAnyExcept('.') < 0)
        {
            return new StringBuilder().Insert(0, "%2E", value.Length).ToString();
        }

        return Uri.EscapeDataString(value);
    }
}

namespace PeerSync.Cli.Api;

/// <summary>
/// A request to a node failed. <see cref="Exception.Message"/> is one line meant for the operator
/// (what failed, why, and what to try), printed as is after `psync: `.
/// </summary>
public sealed class NodeRequestException : Exception
{
    public NodeRequestException(NodeErrorKind kind, string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        StatusCode = statusCode;
    }

    public NodeErrorKind Kind { get; }

    public int? StatusCode { get; }

    /// <summary>Worth retrying later (a dropped event stream reconnects on these).</summary>
    public bool IsTransient => Kind is NodeErrorKind.Unreachable or NodeErrorKind.Timeout or NodeErrorKind.NotReady
        or NodeErrorKind.RateLimited or NodeErrorKind.ServerError;
}

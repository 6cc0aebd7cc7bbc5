namespace PeerSync.Cli.Api;

/// <summary>Why a request to a node failed; decides the message and whether a stream retries.</summary>
public enum NodeErrorKind
{
    /// <summary>Connection refused, name not resolved, TLS failure, connection reset before an answer.</summary>
    Unreachable,

    /// <summary>No answer within `--timeout`.</summary>
    Timeout,

    /// <summary>401: token missing or wrong.</summary>
    Unauthorized,

    /// <summary>403: e.g. a node without a token only serves loopback clients.</summary>
    Forbidden,

    NotFound,

    Conflict,

    /// <summary>503: joining or backfilling.</summary>
    NotReady,

    /// <summary>400, 405, 413: the node rejected the request itself.</summary>
    Rejected,

    /// <summary>429: rate limited.</summary>
    RateLimited,

    /// <summary>5xx other than 503.</summary>
    ServerError,

    /// <summary>An answer that is not the JSON the contract describes.</summary>
    Malformed,
}

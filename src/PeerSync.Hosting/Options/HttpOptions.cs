namespace PeerSync.Hosting.Options;

/// <summary>`peersync.http`: the node's HTTP API (docs/http-api.md).</summary>
public sealed class HttpOptions
{
    /// <summary>`hostname`: the address the API listens on. Default 127.0.0.1, so a node started
    /// without a token is reachable only from its own machine.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>`port`: default 8053 (beside the remote port 4053). 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 8053;

    /// <summary>`token`: when set, every request but health and metrics needs
    /// `Authorization: Bearer &lt;token&gt;`. Empty (default): no authentication, which is allowed only
    /// on a loopback hostname. At least 16 characters when set, so it cannot be guessed quickly.</summary>
    public string Token { get; set; } = "";

    /// <summary>`max-body-size` in bytes: larger request bodies get 413. Default 1 MiB: a record
    /// value must also fit in one sync frame (`remote.max-frame-size`, 4 MiB) with room to spare.</summary>
    public long MaxBodySizeBytes { get; set; } = 1024 * 1024;

    /// <summary>`request-timeout`: a request still running after this gets 503 and is cancelled.
    /// Default 30 s, far above any read or write of a healthy node; it does not apply to the
    /// streaming endpoints (`/v1/changes`, `/v1/cluster/events`).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>`rate-limit`.</summary>
    public HttpRateLimitOptions RateLimit { get; set; } = new();
}

/// <summary>`peersync.http.rate-limit`: a token bucket per client address; excess requests get 429
/// with `Retry-After`.</summary>
public sealed class HttpRateLimitOptions
{
    /// <summary>`requests-per-second`: the sustained rate each client address may use. Default 1000,
    /// far above what psync or a dashboard needs, yet one runaway client cannot take the CPU that
    /// sync traffic needs on a small host. 0 turns rate limiting off.</summary>
    public int RequestsPerSecond { get; set; } = 1000;

    /// <summary>`burst`: requests a client may make at once above the sustained rate (the bucket's
    /// size). Default 2000, two seconds' worth, so a batch import is not cut short.</summary>
    public int Burst { get; set; } = 2000;
}

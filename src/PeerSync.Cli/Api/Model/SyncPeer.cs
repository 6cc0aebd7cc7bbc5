namespace PeerSync.Cli.Api.Model;

/// <summary>One entry of `GET /v1/sync/peers`.</summary>
public sealed record SyncPeer
{
    public required string Id { get; init; }

    /// <summary>connected, connecting, disconnecting or disconnected.</summary>
    public required string State { get; init; }

    /// <summary>Changes the peer has not acknowledged yet.</summary>
    public long OutboundQueue { get; init; }

    /// <summary>
    /// Per origin: the position the peer acknowledged. Positions are the origin's hybrid logical
    /// clock values (`&lt;physical ms&gt;.&lt;counter&gt;`), opaque to the CLI.
    /// </summary>
    public IReadOnlyDictionary<string, string> AckedWatermark { get; init; } = new Dictionary<string, string>();

    /// <summary>Age of the oldest unacknowledged change, 0 when none.</summary>
    public long LagMs { get; init; }
}

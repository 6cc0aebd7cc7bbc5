namespace PeerSync.Cli.Api.Model;

/// <summary>One entry of `GET /v1/sync/peers`.</summary>
public sealed record SyncPeer
{
    public required string Id { get; init; }

    /// <summary>connected, connecting, disconnecting or disconnected.</summary>
    public required string State { get; init; }

    /// <summary>Changes the peer has not acknowledged yet.</summary>
    public long OutboundQueue { get; init; }

    /// <summary>Per origin node: the highest sequence the peer acknowledged.</summary>
    public IReadOnlyDictionary<string, long> AckedWatermark { get; init; } = new Dictionary<string, long>();

    /// <summary>Age of the oldest unacknowledged change, 0 when none.</summary>
    public long LagMs { get; init; }
}

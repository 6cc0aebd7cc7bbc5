using PeerSync.Actors;

namespace PeerSync.Remote.Links;

/// <summary>The validated settings a <see cref="PeerLinkMachine"/> runs with (built from <see cref="Configuration.RemoteLinkOptions"/>).</summary>
/// <param name="Backoff">Reconnect delays: attempt n waits min(max, min * 2^n) stretched by up to the random factor.</param>
/// <param name="HeartbeatIntervalMs">A heartbeat request goes out this often while connected.</param>
/// <param name="HeartbeatTimeoutMs">A session with no frame from the peer for this long is closed as lost (half-open TCP).</param>
/// <param name="TieBreakWindowMs">Two sessions established within this time of each other are a simultaneous dial
/// (the one dialed by the lower node id wins); a later one replaces the earlier (the peer reconnected).</param>
public sealed record PeerLinkConfig(BackoffPolicy Backoff, long HeartbeatIntervalMs, long HeartbeatTimeoutMs, long TieBreakWindowMs)
{
    public static PeerLinkConfig Default { get; } = new(
        new BackoffPolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), 0.2), 1_000, 10_000, 5_000);
}

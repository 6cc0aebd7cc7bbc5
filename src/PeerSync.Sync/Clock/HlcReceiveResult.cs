namespace PeerSync.Sync.Clock;

/// <summary>
/// The outcome of <see cref="HybridLogicalClock.Receive"/>: either the clock's new value, or a
/// rejection whose <see cref="Reason"/> names the remote value, the local time and the limit.
/// </summary>
public readonly record struct HlcReceiveResult(bool Accepted, Hlc Clock, long SkewMs, string? Reason)
{
    public static HlcReceiveResult Accept(Hlc clock) => new(true, clock, 0, null);

    public static HlcReceiveResult Reject(Hlc clock, long skewMs, string reason) => new(false, clock, skewMs, reason);
}

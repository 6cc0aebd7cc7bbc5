namespace PeerSync.Sync.Clock;

/// <summary>Validated settings of <see cref="HybridLogicalClock"/>.</summary>
/// <param name="MaxClockSkewMs">
/// How far a remote timestamp may be ahead of the local physical clock before it is rejected
/// (`peersync.sync.max-clock-skew`, default 60 s). Rejected values are never adopted.
/// </param>
public sealed record HlcConfig(long MaxClockSkewMs)
{
    public static readonly HlcConfig Default = new(60_000);
}

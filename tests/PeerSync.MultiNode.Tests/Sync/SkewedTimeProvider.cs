namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>The system clock shifted by <paramref name="offset"/>: a node whose wall clock is off (its timers are not).</summary>
internal sealed class SkewedTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}

namespace PeerSync.Actors;

/// <summary>
/// Exponential backoff with jitter: attempt n waits min(max, min * 2^n) scaled by a random factor
/// in [1, 1 + <see cref="RandomFactor"/>]. Pure: the random number is handed in, so callers decide
/// where randomness comes from (a seeded generator in tests and simulations).
/// </summary>
public sealed record BackoffPolicy
{
    public BackoffPolicy(TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor)
    {
        if (minBackoff <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(minBackoff), minBackoff, "the minimum backoff must be positive");
        }

        if (maxBackoff < minBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBackoff), maxBackoff, $"the maximum backoff must be at least the minimum ({minBackoff})");
        }

        if (randomFactor is < 0 or > 1 || double.IsNaN(randomFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(randomFactor), randomFactor, "the random factor must be between 0 and 1");
        }

        MinBackoff = minBackoff;
        MaxBackoff = maxBackoff;
        RandomFactor = randomFactor;
    }

    public TimeSpan MinBackoff { get; }

    public TimeSpan MaxBackoff { get; }

    /// <summary>Jitter: 0.2 stretches each delay by up to 20 %, so many peers do not retry in lockstep.</summary>
    public double RandomFactor { get; }

    /// <summary>The delay before attempt <paramref name="attempt"/> (0-based), given a uniform <paramref name="random01"/> in [0, 1).</summary>
    public TimeSpan Delay(int attempt, double random01)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var exponent = Math.Min(attempt, 30);
        var baseTicks = Math.Min(MaxBackoff.Ticks, MinBackoff.Ticks * Math.Pow(2, exponent));
        var jittered = baseTicks * (1 + RandomFactor * Math.Clamp(random01, 0, 1));
        return TimeSpan.FromTicks((long)Math.Min(jittered, MaxBackoff.Ticks * (1 + RandomFactor)));
    }
}

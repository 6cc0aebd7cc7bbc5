namespace PeerSync.Cluster;

/// <summary>
/// A small seeded PRNG (xorshift64*, seeded through splitmix64) for the jitter and random choices
/// of the cluster machines. Machines never use <see cref="System.Random"/>'s shared instance: the
/// same seed must give the same run, so a failing simulation seed replays exactly.
/// </summary>
public sealed class DeterministicRandom
{
    private ulong _state;

    public DeterministicRandom(ulong seed)
    {
        // splitmix64 spreads small or similar seeds over the whole state and never yields zero
        // twice in a row, so xorshift never starts from its one forbidden state.
        var z = seed + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        _state = z == 0 ? 0x9E3779B97F4A7C15UL : z;
    }

    public ulong NextUInt64()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1DUL;
    }

    /// <summary>A value in [0, <paramref name="maxExclusive"/>).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(NextUInt64() % (ulong)maxExclusive);
    }

    /// <summary>A value in [<paramref name="minInclusive"/>, <paramref name="maxInclusive"/>].</summary>
    public long NextLong(long minInclusive, long maxInclusive)
    {
        if (maxInclusive < minInclusive)
        {
            throw new ArgumentOutOfRangeException(nameof(maxInclusive), $"range [{minInclusive}, {maxInclusive}] is empty");
        }

        var span = (ulong)(maxInclusive - minInclusive) + 1;
        return span == 0 ? (long)NextUInt64() : minInclusive + (long)(NextUInt64() % span);
    }

    /// <summary>A value in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}

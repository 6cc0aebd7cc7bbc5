namespace PeerSync.Sync.Peers;

/// <summary>
/// SplitMix64: a tiny deterministic generator for jitter. Machines never use an unseeded source, so
/// a simulation seed replays exactly.
/// </summary>
public sealed class SeededRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        unchecked
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Uniform in [0, <paramref name="exclusiveMax"/>).</summary>
    public long NextInt64(long exclusiveMax) => exclusiveMax <= 0 ? 0 : (long)(NextUInt64() % (ulong)exclusiveMax);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}

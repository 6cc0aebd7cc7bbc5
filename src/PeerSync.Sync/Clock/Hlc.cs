using System.Globalization;

namespace PeerSync.Sync.Clock;

/// <summary>
/// A hybrid logical clock value (Kulkarni et al. 2014), packed in 64 bits: the upper 48 bits hold
/// the logical physical time `l` in Unix milliseconds, the lower 16 bits the counter `c`. Values
/// compare as plain unsigned integers, so the packed value is the order. The top bit of `l` is kept
/// clear (<see cref="MaxPhysicalMs"/>, the year 6429) so that stores can keep a value in a signed
/// 64-bit column without changing its order. See docs/design/hlc.md.
/// </summary>
public readonly record struct Hlc : IComparable<Hlc>
{
    public const int CounterBits = 16;
    public const int MaxCounter = 0xFFFF;

    /// <summary>Largest physical part: 2^47 - 1 ms, so that the packed value stays a positive long.</summary>
    public const long MaxPhysicalMs = (1L << 47) - 1;

    public static readonly Hlc Zero = new(0UL);

    public Hlc(ulong value)
    {
        if (value >> (63) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "an HLC value must leave its top bit clear (physical time past the year 6429)");
        }

        Value = value;
    }

    public ulong Value { get; }

    public long PhysicalMs => (long)(Value >> CounterBits);

    public int Counter => (int)(Value & MaxCounter);

    public static Hlc From(long physicalMs, int counter)
    {
        if (physicalMs is < 0 or > MaxPhysicalMs)
        {
            throw new ArgumentOutOfRangeException(nameof(physicalMs), physicalMs, $"physical time must be 0..{MaxPhysicalMs} ms");
        }

        if (counter is < 0 or > MaxCounter)
        {
            throw new ArgumentOutOfRangeException(nameof(counter), counter, $"the counter must be 0..{MaxCounter}");
        }

        return new Hlc(((ulong)physicalMs << CounterBits) | (uint)counter);
    }

    /// <summary>The value as a non-negative signed integer, for storage; order is preserved.</summary>
    public long ToInt64() => (long)Value;

    public static Hlc FromInt64(long stored) =>
        stored < 0
            ? throw new ArgumentOutOfRangeException(nameof(stored), stored, "a stored HLC is never negative")
            : new Hlc((ulong)stored);

    public int CompareTo(Hlc other) => Value.CompareTo(other.Value);

    public static bool operator <(Hlc left, Hlc right) => left.Value < right.Value;

    public static bool operator >(Hlc left, Hlc right) => left.Value > right.Value;

    public static bool operator <=(Hlc left, Hlc right) => left.Value <= right.Value;

    public static bool operator >=(Hlc left, Hlc right) => left.Value >= right.Value;

    public static Hlc Max(Hlc a, Hlc b) => a >= b ? a : b;

    public static Hlc Min(Hlc a, Hlc b) => a <= b ? a : b;

    /// <summary>`physicalMs.counter`, e.g. `1700000000000.3`.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{PhysicalMs}.{Counter}");

    public static Hlc Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0
            || !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || !int.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var counter)
            || ms > MaxPhysicalMs || counter > MaxCounter)
        {
            throw new FormatException($"HLC '{text}' must be written physicalMs.counter, e.g. 1700000000000.3");
        }

        return From(ms, counter);
    }
}

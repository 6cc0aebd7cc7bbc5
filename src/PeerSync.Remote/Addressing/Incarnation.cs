using System.Security.Cryptography;

namespace PeerSync.Remote.Addressing;

/// <summary>
/// Identifies one run of a node process. A node picks a fresh incarnation at every start, so a
/// restarted node is distinguishable from its previous run: the old incarnation can be quarantined
/// (its actors reported terminated) while the new one joins as a new member. Zero is never issued.
/// </summary>
public readonly record struct Incarnation(ulong Value) : IComparable<Incarnation>
{
    /// <summary>A fresh incarnation from a cryptographic source, for a process start.</summary>
    public static Incarnation NewRandom()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong value;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            value = BitConverter.ToUInt64(bytes);
        }
        while (value == 0);
        return new Incarnation(value);
    }

    public int CompareTo(Incarnation other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}

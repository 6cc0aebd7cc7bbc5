using System.Globalization;

namespace PeerSync.Cluster.Election;

/// <summary>
/// An election term. Every change of leader happens in a higher epoch; at most one node is leader
/// of a given epoch (docs/design/election.md). Zero means "no election yet".
/// </summary>
public readonly record struct Epoch(long Value) : IComparable<Epoch>
{
    public static readonly Epoch None = new(0);

    public Epoch Next => new(Value + 1);

    public int CompareTo(Epoch other) => Value.CompareTo(other.Value);

    public static bool operator <(Epoch left, Epoch right) => left.Value < right.Value;

    public static bool operator >(Epoch left, Epoch right) => left.Value > right.Value;

    public static bool operator <=(Epoch left, Epoch right) => left.Value <= right.Value;

    public static bool operator >=(Epoch left, Epoch right) => left.Value >= right.Value;

    public static Epoch Max(Epoch a, Epoch b) => a >= b ? a : b;

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

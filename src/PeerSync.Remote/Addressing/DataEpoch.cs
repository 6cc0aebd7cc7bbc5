using System.Globalization;

namespace PeerSync.Remote.Addressing;

/// <summary>
/// Identifies one life of a node's data: a random value chosen when the data directory is first
/// created and kept with the data until it is wiped. A node that wiped its data but kept its id comes
/// back with a new data epoch, which its peers see in the handshake and answer with a full exchange
/// instead of resuming from watermarks that no longer mean anything. It is also part of every sync
/// origin id, so a wiped node's new changes form a new stream that cannot collide with its old one.
/// Zero is never used.
/// </summary>
public readonly record struct DataEpoch(ulong Value) : IComparable<DataEpoch>
{
    public int CompareTo(DataEpoch other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);

    public static DataEpoch Parse(string text) =>
        ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v) && v != 0
            ? new DataEpoch(v)
            : throw new FormatException($"data epoch '{text}' must be 1-16 hex digits and not zero");
}

using System.Globalization;

namespace PeerSync.Sync.Records;

/// <summary>
/// Identifies one life of a node's data: chosen at random when a record store is created and kept
/// until the data is wiped. Exchanged in the sync handshake, it tells peers that a node which kept
/// its id lost its data (and needs a full exchange). It is also part of every origin id, so a wiped
/// node's new changes form a new stream that cannot collide with its old one. Zero is never used.
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

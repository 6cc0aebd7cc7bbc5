using System.Globalization;

namespace PeerSync.Remote.Addressing;

/// <summary>
/// Identifies the contents of a node's data directory: a random value chosen when the directory
/// is first created and kept with the data. A node that wiped its data but kept its id comes back
/// with a new data epoch, which its peers see in the handshake and answer with a full exchange
/// instead of resuming from watermarks that no longer mean anything.
/// </summary>
public readonly record struct DataEpoch(ulong Value)
{
    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);
}

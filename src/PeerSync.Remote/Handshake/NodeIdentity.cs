using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Handshake;

/// <summary>
/// Who a node is, as its Hello states it: this node's own identity going out, and a peer's,
/// authenticated, coming back from a successful handshake.
/// </summary>
/// <param name="Node">Stable node id plus the incarnation of the running process.</param>
/// <param name="DataEpoch">Identifies the node's data directory contents (changes when wiped).</param>
/// <param name="Address">The address others dial to reach the node (its advertised listening address).</param>
/// <param name="StartupTimeUnixMs">When the node started, ms since the Unix epoch (election order: oldest first).</param>
/// <param name="Roles">Configured roles, in configured order.</param>
public sealed record NodeIdentity(
    UniqueNode Node,
    DataEpoch DataEpoch,
    EndpointAddress Address,
    long StartupTimeUnixMs,
    IReadOnlyList<string> Roles)
{
    public NodeId Id => Node.Id;

    public Incarnation Incarnation => Node.Incarnation;

    public bool Equals(NodeIdentity? other) =>
        other is not null
        && Node == other.Node
        && DataEpoch == other.DataEpoch
        && Address == other.Address
        && StartupTimeUnixMs == other.StartupTimeUnixMs
        && Roles.SequenceEqual(other.Roles, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Node, DataEpoch, Address, StartupTimeUnixMs, Roles.Count);

    public override string ToString() => $"{Node} at {Address}";
}

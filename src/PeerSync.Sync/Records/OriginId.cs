using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Records;

/// <summary>
/// The origin of a change stream: a node id and the data epoch the node had when it made the
/// changes. Watermarks, acknowledgements and pruning are kept per origin. Ordered by node, then
/// epoch, which is also the last-writer-wins tie-break after the HLC.
/// </summary>
public readonly record struct OriginId(NodeId Node, DataEpoch Epoch) : IComparable<OriginId>
{
    public int CompareTo(OriginId other)
    {
        var byNode = Node.CompareTo(other.Node);
        return byNode != 0 ? byNode : Epoch.CompareTo(other.Epoch);
    }

    public override string ToString() => $"{Node}@{Epoch}";
}

using System.Collections.Immutable;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Membership;

/// <summary>
/// The canonical order of <see cref="UniqueNode"/> in every sorted collection of the gossip (node id
/// ordinal, then incarnation), so two nodes holding the same content serialize it identically.
/// </summary>
public sealed class UniqueNodeOrder : IComparer<UniqueNode>
{
    public static readonly UniqueNodeOrder Instance = new();

    /// <summary>An empty set in this order.</summary>
    public static readonly ImmutableSortedSet<UniqueNode> EmptySet = ImmutableSortedSet.Create<UniqueNode>(Instance);

    private UniqueNodeOrder()
    {
    }

    public int Compare(UniqueNode x, UniqueNode y)
    {
        var byId = x.Id.CompareTo(y.Id);
        return byId != 0 ? byId : x.Incarnation.CompareTo(y.Incarnation);
    }
}

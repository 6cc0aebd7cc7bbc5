using System.Collections.Immutable;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Downing;

/// <summary>
/// A downing strategy's verdict: which members to mark Down, and whether this node is on the losing
/// side and must down itself and stop its cluster part (<see cref="Reason"/> says why, for the log).
/// </summary>
public sealed record DowningDecision(ImmutableSortedSet<UniqueNode> ToDown, bool DownSelf, string Reason)
{
    public bool IsNothing => ToDown.Count == 0 && !DownSelf;
}

using System.Collections.Immutable;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Downing;

/// <summary>
/// Which indirectly connected members to down (docs/design/downing.md, "Broken links"): the fewest
/// that leave no broken link among the rest (a minimum vertex cover of the broken links between
/// them), and among those the set that keeps the oldest members. One broken link a ↮ b downs the
/// younger end; the one member on all of the broken links (a ↮ b ↮ c: b) is downed alone; k members
/// with broken links between all of them keep the oldest.
/// </summary>
public static class BrokenLinkCover
{
    /// <summary>
    /// Above this many indirectly connected members the exhaustive search (2^n sets) is not tried and
    /// all but the oldest are downed, the conservative verdict; clusters here have 3–9 members.
    /// </summary>
    public const int MaxSearchedMembers = 16;

    /// <summary>
    /// The members of <paramref name="byAge"/> (oldest first) to down so that no two of the rest have
    /// a broken link in <paramref name="links"/>; empty when there is no broken link among them.
    /// </summary>
    public static ImmutableSortedSet<UniqueNode> Of(IReadOnlyList<UniqueNode> byAge, ImmutableSortedDictionary<UniqueNode, ImmutableSortedSet<UniqueNode>> links)
    {
        ArgumentNullException.ThrowIfNull(byAge);
        ArgumentNullException.ThrowIfNull(links);
        var n = byAge.Count;
        if (n > MaxSearchedMembers)
        {
            return byAge.Skip(1).ToImmutableSortedSet(UniqueNodeOrder.Instance);
        }

        // Bit (n - 1 - i) stands for byAge[i], so the oldest member is the highest bit: among the
        // smallest covers, the numerically smallest one downs the youngest members.
        var edgeMasks = new List<int>();
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                if (Linked(links, byAge[i], byAge[j]))
                {
                    edgeMasks.Add((1 << (n - 1 - i)) | (1 << (n - 1 - j)));
                }
            }
        }

        if (edgeMasks.Count == 0)
        {
            return UniqueNodeOrder.EmptySet;
        }

        var best = -1;
        var bestCount = int.MaxValue;
        for (var mask = 0; mask < 1 << n; mask++)
        {
            var count = System.Numerics.BitOperations.PopCount((uint)mask);
            if (count >= bestCount || !edgeMasks.TrueForAll(e => (e & mask) != 0))
            {
                continue;
            }

            best = mask;
            bestCount = count;
        }

        return Enumerable.Range(0, n)
            .Where(i => (best & (1 << (n - 1 - i))) != 0)
            .Select(i => byAge[i])
            .ToImmutableSortedSet(UniqueNodeOrder.Instance);
    }

    private static bool Linked(ImmutableSortedDictionary<UniqueNode, ImmutableSortedSet<UniqueNode>> links, UniqueNode a, UniqueNode b) =>
        (links.TryGetValue(a, out var fromA) && fromA.Contains(b)) || (links.TryGetValue(b, out var fromB) && fromB.Contains(a));
}

using System.Collections.Immutable;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Downing;

/// <summary>
/// Which reachability rows a node may hold against members when it decides a split
/// (docs/design/downing.md, "Stale testimony"). A row is frozen once its observer is cut off: an
/// accusation it made just before a partition (its inbound heartbeats lagged, say) can never be
/// retracted on this side, and would count this side's members as unreachable until the observer
/// is downed. So a node discounts the rows of observers that it and every member it hears see as
/// unreachable; every other live observer's row counts, as in the cluster view.
/// </summary>
public static class CredibleReachability
{
    /// <summary>
    /// Live observers whose rows <paramref name="self"/> discounts: it sees them as unreachable, and
    /// so does every live member it does not see as unreachable. While any member this node hears
    /// still hears an observer, that observer's row may be current and counts.
    /// </summary>
    public static ImmutableSortedSet<UniqueNode> CutOffObservers(Gossip gossip, UniqueNode self)
    {
        ArgumentNullException.ThrowIfNull(gossip);
        var mine = gossip.Reachability.RowOf(self).Unreachable;
        var builder = ImmutableSortedSet.CreateBuilder(UniqueNodeOrder.Instance);
        if (mine.IsEmpty)
        {
            return builder.ToImmutable();
        }

        var heard = gossip.Members.Values
            .Where(m => m.Status < MemberStatus.Down && m.Node != self && !mine.Contains(m.Node))
            .Select(m => gossip.Reachability.RowOf(m.Node).Unreachable)
            .ToList();
        foreach (var observer in mine)
        {
            if (gossip.MemberOf(observer) is { Status: < MemberStatus.Down } && heard.All(row => row.Contains(observer)))
            {
                builder.Add(observer);
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>
    /// The members that some live observer whose row <paramref name="self"/> does not discount sees
    /// as unreachable: the cluster view's unreachable set without the frozen rows. Its Joining, Up
    /// and Leaving members are the set the downing strategy decides on (and whose stability it
    /// waits for).
    /// </summary>
    public static ImmutableSortedSet<UniqueNode> Unreachable(Gossip gossip, UniqueNode self)
    {
        ArgumentNullException.ThrowIfNull(gossip);
        return Unreachable(gossip, CutOffObservers(gossip, self));
    }

    /// <summary>The same, with the <see cref="CutOffObservers"/> already known.</summary>
    internal static ImmutableSortedSet<UniqueNode> Unreachable(Gossip gossip, ImmutableSortedSet<UniqueNode> cutOff)
    {
        var builder = ImmutableSortedSet.CreateBuilder(UniqueNodeOrder.Instance);
        foreach (var (observer, row) in gossip.Reachability.Rows)
        {
            if (IsCredible(gossip, cutOff, observer))
            {
                builder.UnionWith(row.Unreachable.Where(gossip.Members.ContainsKey));
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>
    /// Cut-off observers that are Exiting and whose frozen rows still accuse a live member. No
    /// strategy judges an Exiting member (it counts for no side), so nothing else would ever stop
    /// its row from counting in the view, where it keeps the accused unreachable and the cluster
    /// from converging (cluster swarm seed 7490: a crashed leaver's row held the last Up member
    /// unreachable for good). Downing it changes no count: Exiting and Down members both count in
    /// the whole and on no side.
    /// </summary>
    public static ImmutableSortedSet<UniqueNode> FrozenLeavers(Gossip gossip, ImmutableSortedSet<UniqueNode> cutOff)
    {
        ArgumentNullException.ThrowIfNull(gossip);
        ArgumentNullException.ThrowIfNull(cutOff);
        return cutOff
            .Where(o => gossip.MemberOf(o) is { Status: MemberStatus.Exiting }
                && gossip.Reachability.RowOf(o).Unreachable.Any(s => gossip.MemberOf(s) is { Status: < MemberStatus.Down }))
            .ToImmutableSortedSet(UniqueNodeOrder.Instance);
    }

    /// <summary>
    /// What <paramref name="self"/>'s downing decides about, and whose stability it waits for: the
    /// Joining, Up and Leaving members a credible observer sees as unreachable, and the
    /// <see cref="FrozenLeavers"/>.
    /// </summary>
    public static ImmutableSortedSet<UniqueNode> Undecided(Gossip gossip, UniqueNode self)
    {
        ArgumentNullException.ThrowIfNull(gossip);
        var cutOff = CutOffObservers(gossip, self);
        return Unreachable(gossip, cutOff)
            .Where(n => gossip.MemberOf(n) is { Status: MemberStatus.Joining or MemberStatus.Up or MemberStatus.Leaving })
            .Concat(FrozenLeavers(gossip, cutOff))
            .ToImmutableSortedSet(UniqueNodeOrder.Instance);
    }

    /// <summary>A live observer whose row is not discounted.</summary>
    internal static bool IsCredible(Gossip gossip, ImmutableSortedSet<UniqueNode> cutOff, UniqueNode observer) =>
        gossip.MemberOf(observer) is { Status: < MemberStatus.Down } && !cutOff.Contains(observer);
}

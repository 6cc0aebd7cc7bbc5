using System.Collections.Immutable;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Downing;

/// <summary>
/// Which reachability rows a node may hold against members when it decides a split
/// (docs/design/downing.md, "Stale testimony" and "Deaf nodes"). A row is frozen once its observer
/// is cut off: an accusation it made just before a partition (its inbound heartbeats lagged, say)
/// can never be retracted on this side. So a node discounts the rows of observers that it and every
/// member it has an intact link with have a broken link with. To find them, rows are read as broken
/// links in both directions: an observer that does not hear a member and a member that is not heard
/// are on two ends of one broken link, whichever end lost the traffic (the failure detector is
/// push-based, so only the end that cannot receive notices). A deaf member, which accuses everyone
/// and which nobody accuses, is so cut off from the healthy side. What counts against a member is
/// still an accusation, never its reverse reading: the first member to detect a crash is not
/// unreachable because its side-mates have not detected it yet.
/// </summary>
public static class CredibleReachability
{
    /// <summary>
    /// Every live member's broken links: the members its own row accuses, and every live observer
    /// whose row accuses it. A deaf member (it cannot receive but still sends) accuses everyone while
    /// nobody accuses it; read this way, everyone it accuses has a broken link with it, so its whole
    /// side cuts it off as it would cut off a member it cannot hear.
    /// </summary>
    public static ImmutableSortedDictionary<UniqueNode, ImmutableSortedSet<UniqueNode>> BrokenLinks(Gossip gossip)
    {
        ArgumentNullException.ThrowIfNull(gossip);
        var live = gossip.Members.Values.Where(m => m.Status < MemberStatus.Down).Select(m => m.Node).ToList();
        var links = live.ToDictionary(n => n, _ => ImmutableSortedSet.CreateBuilder(UniqueNodeOrder.Instance));
        foreach (var observer in live)
        {
            foreach (var subject in gossip.Reachability.RowOf(observer).Unreachable.Where(gossip.Members.ContainsKey))
            {
                links[observer].Add(subject);
                if (links.TryGetValue(subject, out var back))
                {
                    back.Add(observer);
                }
            }
        }

        return links.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.ToImmutable(), UniqueNodeOrder.Instance);
    }

    /// <summary>
    /// Live observers whose rows <paramref name="self"/> discounts: it has a broken link with them,
    /// and so has every live member it has none with. While any member this node hears, and that
    /// hears it, still has an intact link with an observer, that observer's row may be current and
    /// counts.
    /// </summary>
    public static ImmutableSortedSet<UniqueNode> CutOffObservers(Gossip gossip, UniqueNode self) =>
        CutOffObservers(BrokenLinks(gossip), self);

    internal static ImmutableSortedSet<UniqueNode> CutOffObservers(ImmutableSortedDictionary<UniqueNode, ImmutableSortedSet<UniqueNode>> links, UniqueNode self)
    {
        ArgumentNullException.ThrowIfNull(links);
        var mine = links.TryGetValue(self, out var own) ? own : UniqueNodeOrder.EmptySet;
        var builder = ImmutableSortedSet.CreateBuilder(UniqueNodeOrder.Instance);
        if (mine.IsEmpty)
        {
            return builder.ToImmutable();
        }

        var heard = links.Where(kv => kv.Key != self && !mine.Contains(kv.Key)).Select(kv => kv.Value).ToList();
        foreach (var observer in mine)
        {
            if (links.ContainsKey(observer) && heard.All(row => row.Contains(observer)))
            {
                builder.Add(observer);
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>
    /// The members that some live observer whose row <paramref name="self"/> does not discount
    /// accuses, and the cut-off observers themselves: the cluster view's unreachable set without the
    /// frozen rows, plus the members this node's whole side has a broken link with (a deaf member
    /// among them, which nobody accuses). Its Joining, Up and Leaving members are the set the
    /// downing strategy decides on (and whose stability it waits for).
    /// </summary>
    public static ImmutableSortedSet<UniqueNode> Unreachable(Gossip gossip, UniqueNode self)
    {
        ArgumentNullException.ThrowIfNull(gossip);
        var links = BrokenLinks(gossip);
        return Unreachable(gossip, links, CutOffObservers(links, self));
    }

    /// <summary>
    /// The same, with the <see cref="BrokenLinks"/> and <see cref="CutOffObservers"/> already known.
    /// Only the accusations count here, never their reverse reading: a member is not unreachable
    /// because it accuses someone (downing.md, "Deaf nodes": the first member to detect a crash
    /// would otherwise be on no side until the rest of its side's rows arrive).
    /// </summary>
    internal static ImmutableSortedSet<UniqueNode> Unreachable(Gossip gossip, ImmutableSortedDictionary<UniqueNode, ImmutableSortedSet<UniqueNode>> links, ImmutableSortedSet<UniqueNode> cutOff)
    {
        var builder = ImmutableSortedSet.CreateBuilder(UniqueNodeOrder.Instance);
        builder.UnionWith(cutOff);
        foreach (var observer in links.Keys)
        {
            if (!cutOff.Contains(observer))
            {
                builder.UnionWith(gossip.Reachability.RowOf(observer).Unreachable.Where(gossip.Members.ContainsKey));
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
        var links = BrokenLinks(gossip);
        var cutOff = CutOffObservers(links, self);
        return Unreachable(gossip, links, cutOff)
            .Where(n => gossip.MemberOf(n) is { Status: MemberStatus.Joining or MemberStatus.Up or MemberStatus.Leaving })
            .Concat(FrozenLeavers(gossip, cutOff))
            .ToImmutableSortedSet(UniqueNodeOrder.Instance);
    }
}

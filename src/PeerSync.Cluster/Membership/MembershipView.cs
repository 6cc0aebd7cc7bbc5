using System.Collections.Immutable;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Membership;

/// <summary>
/// What a gossip state implies, computed once per state: the cluster-wide unreachable set,
/// convergence, the membership coordinator, the voting set and the rightful leader. Everything here
/// is a function of the gossip content alone, so nodes holding the same content agree on it.
/// </summary>
public sealed class MembershipView
{
    public MembershipView(Gossip gossip, string? leaderRole)
    {
        Gossip = gossip;
        Unreachable = ComputeUnreachable(gossip);
        VotingSet = gossip.Members.Values
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down)
            .Select(m => m.Node)
            .ToImmutableSortedSet(UniqueNodeOrder.Instance);
        VotingSetDigest = DigestOf(VotingSet);
        IsForming = VotingSet.IsEmpty && gossip.Tombstones.IsEmpty;
        Coordinator = ComputeCoordinator();
        RightfulLeader = ComputeRightful(leaderRole);
    }

    public Gossip Gossip { get; }

    /// <summary>Members that some live (not Down) observer currently sees as unreachable.</summary>
    public ImmutableSortedSet<UniqueNode> Unreachable { get; }

    /// <summary>
    /// The election's voting set: every member that has been Up and is not yet removed (Up, Leaving,
    /// Exiting, Down). It changes only when the coordinator moves a member Up or removes one, one
    /// member per converged round (docs/design/election.md explains why that matters).
    /// </summary>
    public ImmutableSortedSet<UniqueNode> VotingSet { get; }

    public ulong VotingSetDigest { get; }

    public int Majority => (VotingSet.Count / 2) + 1;

    /// <summary>
    /// True while nobody in this state has ever been Up: no member of the voting set and no
    /// tombstone (every removal needs a voting member first). Only then may a Joining member
    /// coordinate — the first seed promoting itself in the cluster it just formed.
    /// </summary>
    public bool IsForming { get; }

    /// <summary>
    /// The member that applies convergence actions: the oldest reachable Up/Leaving member, else the
    /// oldest reachable Exiting one; the oldest Joining one only in a forming cluster (<see cref="IsForming"/>).
    /// </summary>
    public UniqueNode? Coordinator { get; }

    /// <summary>The oldest Up member (with the leader role, if configured) that a majority of the voting set sees as reachable.</summary>
    public UniqueNode? RightfulLeader { get; }

    public bool IsUnreachable(UniqueNode node) => Unreachable.Contains(node);

    /// <summary>
    /// Convergence: every member that is not Down (and not an unreachable Exiting member) has seen
    /// this exact content, and no other member is unreachable.
    /// </summary>
    public bool IsConverged
    {
        get
        {
            foreach (var member in Gossip.Members.Values)
            {
                if (member.Status is MemberStatus.Down or MemberStatus.Removed)
                {
                    continue;
                }

                if (Unreachable.Contains(member.Node))
                {
                    if (member.Status == MemberStatus.Exiting)
                    {
                        continue;
                    }

                    return false;
                }

                if (!Gossip.Seen.Contains(member.Node))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>How many non-Down voting members do not list <paramref name="node"/> as unreachable (a member always sees itself).</summary>
    public int ReachableFromCount(UniqueNode node)
    {
        var count = 0;
        foreach (var observer in VotingSet)
        {
            if (Gossip.MemberOf(observer) is { Status: < MemberStatus.Down }
                && (observer == node || !Gossip.Reachability.RowOf(observer).Unreachable.Contains(node)))
            {
                count++;
            }
        }

        return count;
    }

    public static ulong DigestOf(IEnumerable<UniqueNode> nodes)
    {
        var hash = 14695981039346656037UL;
        foreach (var node in nodes)
        {
            foreach (var c in node.ToString())
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            hash = (hash ^ ';') * 1099511628211UL;
        }

        return hash;
    }

    private static ImmutableSortedSet<UniqueNode> ComputeUnreachable(Gossip gossip)
    {
        var builder = ImmutableSortedSet.CreateBuilder(UniqueNodeOrder.Instance);
        foreach (var (observer, row) in gossip.Reachability.Rows)
        {
            if (gossip.MemberOf(observer) is not { Status: < MemberStatus.Down })
            {
                continue;
            }

            foreach (var subject in row.Unreachable)
            {
                if (gossip.Members.ContainsKey(subject))
                {
                    builder.Add(subject);
                }
            }
        }

        return builder.ToImmutable();
    }

    private UniqueNode? ComputeCoordinator()
    {
        // Oldest reachable Up/Leaving member; when only leavers are left, the oldest Exiting one, so
        // the last member leaving can still remove itself (or promote a joiner that came meanwhile).
        // A Joining member coordinates only in a forming cluster: a joiner whose view is stale (its
        // Up members downed or unreachable, learned from a cluster that went on without it) must
        // never remove them and promote itself, which would start a voting set — and epochs — of
        // its own out of that view (election.md, S1).
        foreach (var statuses in CoordinatorPreference)
        {
            if (statuses[0] == MemberStatus.Joining && !IsForming)
            {
                continue;
            }

            Member? best = null;
            foreach (var member in Gossip.Members.Values)
            {
                if (statuses.Contains(member.Status) && !Unreachable.Contains(member.Node) && (best is null || member.IsOlderThan(best)))
                {
                    best = member;
                }
            }

            if (best is not null)
            {
                return best.Node;
            }
        }

        return null;
    }

    private static readonly MemberStatus[][] CoordinatorPreference =
    [
        [MemberStatus.Up, MemberStatus.Leaving],
        [MemberStatus.Joining],
        [MemberStatus.Exiting],
    ];

    private UniqueNode? ComputeRightful(string? role)
    {
        Member? best = null;
        foreach (var member in Gossip.Members.Values)
        {
            if (member.Status == MemberStatus.Up && member.HasRole(role)
                && (best is null || member.IsOlderThan(best))
                && ReachableFromCount(member.Node) >= Majority)
            {
                best = member;
            }
        }

        return best?.Node;
    }
}

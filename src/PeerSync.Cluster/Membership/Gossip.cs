using System.Collections.Immutable;
using System.Text;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Membership;

/// <summary>
/// The replicated membership state (docs/design/membership.md): members, per-observer reachability,
/// tombstones of removed incarnations, the election record, and the seen set (members known to hold
/// exactly this content). Immutable; <see cref="Merge"/> is a join (commutative, associative,
/// idempotent) on the content, so full-state gossip converges without version vectors.
/// </summary>
public sealed class Gossip
{
    /// <summary>Tombstones kept, newest first by removal time; bounded so gossip stays small (~4 KB at most).</summary>
    public const int MaxTombstones = 100;

    public static readonly Gossip Empty = new(
        ImmutableSortedDictionary.Create<UniqueNode, Member>(UniqueNodeOrder.Instance),
        ReachabilityTable.Empty,
        ImmutableSortedDictionary.Create<UniqueNode, long>(UniqueNodeOrder.Instance),
        ElectionRecord.None,
        UniqueNodeOrder.EmptySet);

    private ulong? _digest;

    public Gossip(
        ImmutableSortedDictionary<UniqueNode, Member> members,
        ReachabilityTable reachability,
        ImmutableSortedDictionary<UniqueNode, long> tombstones,
        ElectionRecord election,
        ImmutableSortedSet<UniqueNode> seen)
    {
        Members = members;
        Reachability = reachability;
        Tombstones = tombstones;
        Election = election;
        Seen = seen;
    }

    public ImmutableSortedDictionary<UniqueNode, Member> Members { get; }
    public ReachabilityTable Reachability { get; }

    /// <summary>Removed incarnations and the coordinator's removal time (used only to order eviction).</summary>
    public ImmutableSortedDictionary<UniqueNode, long> Tombstones { get; }

    public ElectionRecord Election { get; }
    public ImmutableSortedSet<UniqueNode> Seen { get; }

    public Member? MemberOf(UniqueNode node) => Members.TryGetValue(node, out var m) ? m : null;

    /// <summary>The live (not tombstoned) member with this node id, newest incarnation first.</summary>
    public Member? MemberById(NodeId id)
    {
        Member? found = null;
        foreach (var member in Members.Values)
        {
            if (member.Id == id && (found is null || found.IsOlderThan(member)))
            {
                found = member;
            }
        }

        return found;
    }

    public bool IsTombstoned(UniqueNode node) => Tombstones.ContainsKey(node);

    public bool ContentEquals(Gossip other) =>
        ReferenceEquals(this, other)
        || (Members.Count == other.Members.Count
            && Tombstones.Count == other.Tombstones.Count
            && Election == other.Election
            && Members.All(kv => other.Members.TryGetValue(kv.Key, out var m) && m.Equals(kv.Value))
            && Tombstones.All(kv => other.Tombstones.TryGetValue(kv.Key, out var t) && t == kv.Value)
            && Reachability.Equals(other.Reachability));

    /// <summary>A 64-bit FNV-1a digest of the canonical content (not the seen set), for gossip status messages.</summary>
    public ulong Digest() => _digest ??= ComputeDigest();

    public Gossip WithSeen(ImmutableSortedSet<UniqueNode> seen) => new(Members, Reachability, Tombstones, Election, seen) { _digest = _digest };

    /// <summary>A local change: new content that only <paramref name="self"/> has seen so far.</summary>
    public Gossip Change(
        UniqueNode self,
        ImmutableSortedDictionary<UniqueNode, Member>? members = null,
        ReachabilityTable? reachability = null,
        ImmutableSortedDictionary<UniqueNode, long>? tombstones = null,
        ElectionRecord? election = null)
    {
        var changed = new Gossip(
            members ?? Members,
            reachability ?? Reachability,
            tombstones ?? Tombstones,
            election ?? Election,
            Seen);
        var normalized = Normalize(changed);
        return normalized.ContentEquals(this)
            ? this
            : normalized.WithSeen(UniqueNodeOrder.EmptySet.Add(self));
    }

    /// <summary>
    /// Merges <paramref name="remote"/> into this (local) gossip as seen by <paramref name="self"/>.
    /// The seen set follows the content: equal content unions the seen sets; otherwise only the
    /// side(s) whose content survived keep theirs, plus self.
    /// </summary>
    public Gossip Merge(Gossip remote, UniqueNode self)
    {
        var members = Members;
        foreach (var (node, theirs) in remote.Members)
        {
            if (!members.TryGetValue(node, out var mine))
            {
                members = members.Add(node, theirs);
            }
            else if (theirs.Status != mine.Status || theirs.UpNumber != mine.UpNumber)
            {
                // Component-wise maximum (status, up-number): a join, whatever order merges come in.
                var status = theirs.Status > mine.Status ? theirs.Status : mine.Status;
                var upNumber = Math.Max(theirs.UpNumber, mine.UpNumber);
                members = members.SetItem(node, new Member(mine.Node, mine.Address, status, mine.Roles, mine.StartupTimeMs, upNumber));
            }
        }

        var tombstones = Tombstones;
        foreach (var (node, at) in remote.Tombstones)
        {
            if (!tombstones.TryGetValue(node, out var mine) || at > mine)
            {
                tombstones = tombstones.SetItem(node, at);
            }
        }

        var content = Normalize(new Gossip(members, Reachability.Merge(remote.Reachability), tombstones, Election.Merge(remote.Election), Seen));
        var selfSet = UniqueNodeOrder.EmptySet.Add(self);
        var sameAsLocal = content.ContentEquals(this);
        var sameAsRemote = content.ContentEquals(remote);
        ImmutableSortedSet<UniqueNode> seen;
        if (sameAsLocal && sameAsRemote)
        {
            seen = Seen.Union(remote.Seen).Union(selfSet);
        }
        else if (sameAsRemote)
        {
            seen = remote.Seen.Union(selfSet);
        }
        else if (sameAsLocal)
        {
            seen = Seen.Union(selfSet);
        }
        else
        {
            seen = selfSet;
        }

        return (sameAsLocal ? this : content).WithSeen(seen.Where(content.Members.ContainsKey).ToImmutableSortedSet(UniqueNodeOrder.Instance));
    }

    /// <summary>
    /// The canonical form every change and merge passes through: tombstones bounded, tombstoned
    /// members dropped, older incarnations of a node id downed (a new incarnation replaces the old
    /// one for good), and reachability and seen entries of non-members pruned.
    /// </summary>
    public static Gossip Normalize(Gossip gossip)
    {
        var tombstones = gossip.Tombstones;
        if (tombstones.Count > MaxTombstones)
        {
            var keep = tombstones
                .OrderByDescending(kv => kv.Value)
                .ThenBy(kv => kv.Key, UniqueNodeOrder.Instance)
                .Take(MaxTombstones)
                .Select(kv => kv.Key)
                .ToHashSet();
            tombstones = tombstones.RemoveRange(tombstones.Keys.Where(k => !keep.Contains(k)).ToList());
        }

        var members = gossip.Members;
        foreach (var node in members.Keys)
        {
            if (tombstones.ContainsKey(node) || members[node].Status == MemberStatus.Removed)
            {
                members = members.Remove(node);
            }
        }

        foreach (var group in members.Values.GroupBy(m => m.Id).Where(g => g.Count() > 1))
        {
            var newest = group.Max(Member.AgeOrder.Instance)!;
            foreach (var older in group.Where(m => !ReferenceEquals(m, newest) && m.Status < MemberStatus.Down))
            {
                members = members.SetItem(older.Node, older.WithStatus(MemberStatus.Down));
            }
        }

        var reachability = gossip.Reachability.Prune(members.ContainsKey);
        var seen = gossip.Seen.Where(members.ContainsKey).ToImmutableSortedSet(UniqueNodeOrder.Instance);
        return new Gossip(members, reachability, tombstones, gossip.Election, seen);
    }

    private ulong ComputeDigest()
    {
        var text = new StringBuilder();
        foreach (var m in Members.Values)
        {
            text.Append('m').Append(m.Node).Append('|').Append(m.Address).Append('|').Append((int)m.Status).Append('|')
                .Append(m.StartupTimeMs).Append('|').Append(m.UpNumber).Append('|').AppendJoin(',', m.Roles).Append(';');
        }

        foreach (var (observer, row) in Reachability.Rows)
        {
            text.Append('r').Append(observer).Append('|').Append(row.Version).Append('|').AppendJoin(',', row.Unreachable).Append(';');
        }

        foreach (var (node, at) in Tombstones)
        {
            text.Append('t').Append(node).Append('|').Append(at).Append(';');
        }

        text.Append('e').Append(Election.MaxEpoch).Append('|').Append(Election.LeaderEpoch).Append('|').Append(Election.Leader?.ToString() ?? "-");
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text.ToString()))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}

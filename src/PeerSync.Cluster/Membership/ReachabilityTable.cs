using System.Collections.Immutable;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Membership;

/// <summary>
/// Reachability as seen by each observer: per observer a versioned row listing the members it
/// currently sees as unreachable. Only the observer writes its row (bumping the version), so a
/// merge keeps the higher version per observer. A member is unreachable in the cluster view when
/// any live (not Down) observer's row lists it.
/// </summary>
public sealed class ReachabilityTable : IEquatable<ReachabilityTable>
{
    public static readonly ReachabilityTable Empty = new(ImmutableSortedDictionary.Create<UniqueNode, ObserverRow>(UniqueNodeOrder.Instance));

    public ReachabilityTable(ImmutableSortedDictionary<UniqueNode, ObserverRow> rows) => Rows = rows;

    public ImmutableSortedDictionary<UniqueNode, ObserverRow> Rows { get; }

    public ObserverRow RowOf(UniqueNode observer) => Rows.TryGetValue(observer, out var row) ? row : ObserverRow.Empty;

    /// <summary>The observer's row with <paramref name="subject"/> marked (un)reachable; unchanged if already so.</summary>
    public ReachabilityTable Mark(UniqueNode observer, UniqueNode subject, bool unreachable)
    {
        var row = RowOf(observer);
        if (row.Unreachable.Contains(subject) == unreachable)
        {
            return this;
        }

        var set = unreachable ? row.Unreachable.Add(subject) : row.Unreachable.Remove(subject);
        return new ReachabilityTable(Rows.SetItem(observer, new ObserverRow(row.Version + 1, set)));
    }

    public ReachabilityTable Merge(ReachabilityTable other)
    {
        var rows = Rows;
        foreach (var (observer, theirs) in other.Rows)
        {
            if (!rows.TryGetValue(observer, out var mine) || theirs.Version > mine.Version)
            {
                rows = rows.SetItem(observer, theirs);
            }
            else if (theirs.Version == mine.Version && !theirs.Equals(mine))
            {
                // Same version, different content cannot happen (one writer per row); union keeps
                // the merge deterministic and commutative if it ever does.
                rows = rows.SetItem(observer, new ObserverRow(mine.Version, mine.Unreachable.Union(theirs.Unreachable)));
            }
        }

        return ReferenceEquals(rows, Rows) ? this : new ReachabilityTable(rows);
    }

    /// <summary>Drops rows of observers, and entries of subjects, that are no longer members.</summary>
    public ReachabilityTable Prune(Func<UniqueNode, bool> isMember)
    {
        var rows = Rows;
        foreach (var (observer, row) in Rows)
        {
            if (!isMember(observer))
            {
                rows = rows.Remove(observer);
                continue;
            }

            var kept = row.Unreachable.Where(isMember).ToImmutableSortedSet(UniqueNodeOrder.Instance);
            if (kept.Count != row.Unreachable.Count)
            {
                rows = rows.SetItem(observer, new ObserverRow(row.Version, kept));
            }
        }

        return ReferenceEquals(rows, Rows) ? this : new ReachabilityTable(rows);
    }

    public bool Equals(ReachabilityTable? other) =>
        other is not null && Rows.Count == other.Rows.Count
        && Rows.All(kv => other.Rows.TryGetValue(kv.Key, out var row) && row.Equals(kv.Value));

    public override bool Equals(object? obj) => Equals(obj as ReachabilityTable);

    public override int GetHashCode() => Rows.Count;
}

/// <summary>One observer's row: its version and the members it sees as unreachable.</summary>
public sealed class ObserverRow : IEquatable<ObserverRow>
{
    public static readonly ObserverRow Empty = new(0, UniqueNodeOrder.EmptySet);

    public ObserverRow(long version, ImmutableSortedSet<UniqueNode> unreachable)
    {
        Version = version;
        Unreachable = unreachable;
    }

    public long Version { get; }
    public ImmutableSortedSet<UniqueNode> Unreachable { get; }

    public bool Equals(ObserverRow? other) =>
        other is not null && Version == other.Version && Unreachable.SetEquals(other.Unreachable);

    public override bool Equals(object? obj) => Equals(obj as ObserverRow);

    public override int GetHashCode() => HashCode.Combine(Version, Unreachable.Count);
}

using System.Collections.Immutable;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Membership;

/// <summary>
/// One member: a run of a node (<see cref="UniqueNode"/>), where it listens, its status, roles and
/// age. Age is (<see cref="StartupTimeMs"/>, node id, incarnation): the oldest eligible member leads.
/// <see cref="UpNumber"/> counts the order in which members became Up (informational).
/// </summary>
public sealed class Member : IEquatable<Member>
{
    public Member(UniqueNode node, EndpointAddress address, MemberStatus status, ImmutableSortedSet<string> roles, long startupTimeMs, int upNumber)
    {
        Node = node;
        Address = address;
        Status = status;
        Roles = roles ?? throw new ArgumentNullException(nameof(roles));
        StartupTimeMs = startupTimeMs;
        UpNumber = upNumber;
    }

    public UniqueNode Node { get; }
    public EndpointAddress Address { get; }
    public MemberStatus Status { get; }
    public ImmutableSortedSet<string> Roles { get; }
    public long StartupTimeMs { get; }
    public int UpNumber { get; }

    public NodeId Id => Node.Id;

    public static Member Create(UniqueNode node, EndpointAddress address, IEnumerable<string> roles, long startupTimeMs) =>
        new(node, address, MemberStatus.Joining, roles.ToImmutableSortedSet(StringComparer.Ordinal), startupTimeMs, 0);

    public Member WithStatus(MemberStatus status) => new(Node, Address, status, Roles, StartupTimeMs, UpNumber);

    public Member WithUp(int upNumber) => new(Node, Address, MemberStatus.Up, Roles, StartupTimeMs, upNumber);

    public bool HasRole(string? role) => role is null || Roles.Contains(role);

    /// <summary>True when this member is older than <paramref name="other"/>: earlier start, then lower id, then lower incarnation.</summary>
    public bool IsOlderThan(Member other) => AgeOrder.Instance.Compare(this, other) < 0;

    public bool Equals(Member? other) =>
        other is not null
        && Node == other.Node
        && Address == other.Address
        && Status == other.Status
        && StartupTimeMs == other.StartupTimeMs
        && UpNumber == other.UpNumber
        && Roles.SequenceEqual(other.Roles, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as Member);

    public override int GetHashCode() => HashCode.Combine(Node, Status, UpNumber);

    public override string ToString() => $"{Node} {Status}";

    /// <summary>Oldest first: (startup time, node id, incarnation).</summary>
    public sealed class AgeOrder : IComparer<Member>
    {
        public static readonly AgeOrder Instance = new();

        public int Compare(Member? x, Member? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null)
            {
                return 1;
            }

            if (y is null)
            {
                return -1;
            }

            var byStart = x.StartupTimeMs.CompareTo(y.StartupTimeMs);
            return byStart != 0 ? byStart : UniqueNodeOrder.Instance.Compare(x.Node, y.Node);
        }
    }
}

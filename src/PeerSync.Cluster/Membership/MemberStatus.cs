namespace PeerSync.Cluster.Membership;

/// <summary>
/// A member's lifecycle. The numeric order is the merge precedence: every transition only moves up
/// (Joining → Up → Leaving → Exiting → Removed, and any → Down → Removed), so merging two views
/// keeps the higher status and gossip is a join-semilattice (docs/design/membership.md).
/// </summary>
public enum MemberStatus
{
    Joining = 1,
    Up = 2,
    Leaving = 3,
    Exiting = 4,
    Down = 5,
    Removed = 6,
}

using PeerSync.Cluster.Membership;

namespace PeerSync.Cluster.Election;

/// <summary>The membership facts the election reads at each step (all derived from the gossip).</summary>
public readonly record struct ElectionContext(MembershipView View, Member? Self)
{
    /// <summary>Up or Leaving members vote; Joining, Exiting and Down ones do not.</summary>
    public bool SelfCanVote => Self is { Status: MemberStatus.Up or MemberStatus.Leaving } && View.VotingSet.Contains(Self.Node);

    public bool SelfCanLead => Self is { Status: MemberStatus.Up } && View.RightfulLeader == Self.Node;
}

using PeerSync.Cluster.Election;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Membership;

/// <summary>
/// The election's part of the gossip: the highest epoch anyone has voted in or run for
/// (<see cref="MaxEpoch"/>) and the newest known winner. Both only grow, so the merge is a max.
/// Carrying <see cref="MaxEpoch"/> through converged gossip is what lets the safety argument cross
/// voting-set changes (docs/design/election.md).
/// </summary>
public readonly record struct ElectionRecord(Epoch MaxEpoch, Epoch LeaderEpoch, UniqueNode? Leader)
{
    public static readonly ElectionRecord None = new(Epoch.None, Epoch.None, null);

    public ElectionRecord Merge(ElectionRecord other)
    {
        var max = Epoch.Max(MaxEpoch, other.MaxEpoch);
        if (other.LeaderEpoch > LeaderEpoch
            || (other.LeaderEpoch == LeaderEpoch && other.Leader is { } theirs && (Leader is not { } mine || UniqueNodeOrder.Instance.Compare(theirs, mine) < 0)))
        {
            return new ElectionRecord(Epoch.Max(max, other.LeaderEpoch), other.LeaderEpoch, other.Leader);
        }

        return new ElectionRecord(Epoch.Max(max, LeaderEpoch), LeaderEpoch, Leader);
    }

    public ElectionRecord WithMaxEpoch(Epoch epoch) => this with { MaxEpoch = Epoch.Max(MaxEpoch, epoch) };

    public ElectionRecord WithLeader(Epoch epoch, UniqueNode leader) =>
        epoch > LeaderEpoch ? new ElectionRecord(Epoch.Max(MaxEpoch, epoch), epoch, leader) : this;
}

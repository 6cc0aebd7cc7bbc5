using PeerSync.Cluster.Downing;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster;

/// <summary>
/// A join from a new incarnation of a member: when the old incarnation may be downed at once, and
/// when the downing strategy has to decide first (docs/design/membership.md, "Join").
/// </summary>
public sealed partial class ClusterMachine
{
    // Local time since which this node's failure detectors have watched the members without a gap:
    // set when it becomes a member and whenever a pause re-arms them. Before a full
    // acceptable-heartbeat-pause has passed, "reachable" only means "not yet suspected".
    private long? _watchingSinceMs;

    /// <summary>
    /// Whether a join of a new incarnation may down <paramref name="previous"/> at once. A restart
    /// proves the old incarnation dead, not that this node is on the side that survived: while this
    /// node was cut off or paused, the old incarnation may have downed it (with keep-majority a tie
    /// keeps the oldest member's half), led epochs this node never saw, and then crashed (seed 6785).
    /// Downing it at once let such a node remove it, make a voting set of its own and reuse an epoch.
    /// So the old incarnation is downed at once only when it is not in the voting set, or when the
    /// view is settled (nobody else, this node included, is unreachable, and the detectors have
    /// watched for a full acceptable pause) and the downing strategy, counting the old incarnation
    /// as unreachable, keeps this side. Otherwise the join is refused without downing anyone: the old
    /// incarnation stops heartbeating, becomes unreachable, and the strategy decides after
    /// stable-after as for any unreachable member (this node may lose and down itself).
    /// </summary>
    private bool MayDownRestarted(Member previous, long nowMs, out string reason)
    {
        if (previous.Status == MemberStatus.Joining)
        {
            reason = "it never entered the voting set";
            return true;
        }

        var othersUnreachable = _view.Unreachable.Where(n => n != previous.Node).ToList();
        if (othersUnreachable.Count > 0)
        {
            reason = $"{string.Join(", ", othersUnreachable)} unreachable too; the downing strategy decides";
            return false;
        }

        if (_watchingSinceMs is not { } since || nowMs - since < _config.AcceptableHeartbeatPauseMs)
        {
            reason = "the failure detectors were (re-)armed less than an acceptable pause ago; the downing strategy decides";
            return false;
        }

        if (_config.DowningStrategy == DowningStrategy.Off)
        {
            // Nobody is downed by a strategy, so no side of a split can have downed this node; only an
            // operator can, and the operator's judgement is trusted (election.md, A3).
            reason = "the view is settled";
            return true;
        }

        var reachability = _gossip.Reachability.Mark(_self.Node, previous.Node, unreachable: true);
        var hypothetical = new Gossip(_gossip.Members, reachability, _gossip.Tombstones, _gossip.Election, _gossip.Seen);
        var decision = DowningDecider.Decide(
            _config.DowningStrategy, new MembershipView(hypothetical, _config.LeaderRole), _self.Node, _config.StaticQuorumSize, _config.KeepOldestDownIfAlone);
        reason = decision.Reason;
        return !decision.DownSelf && decision.ToDown.Contains(previous.Node);
    }
}

using System.Collections.Immutable;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster;

/// <summary>
/// Gossip dissemination: every local change is pushed at once to every member; a receiver whose
/// merged state differs from what it got answers the sender (so the originator learns who has
/// seen it); every gossip-interval one random member gets a status digest or the full state.
/// </summary>
public sealed partial class ClusterMachine
{
    private bool _pushPending;
    private long? _nextGossipMs;

    /// <summary>A local change of the gossip content: recomputes the view and schedules a push to everyone.</summary>
    private void ChangeGossip(
        ImmutableSortedDictionary<UniqueNode, Member>? members = null,
        ReachabilityTable? reachability = null,
        ImmutableSortedDictionary<UniqueNode, long>? tombstones = null,
        ElectionRecord? election = null)
    {
        var changed = _gossip.Change(_self.Node, members, reachability, tombstones, election);
        if (!ReferenceEquals(changed, _gossip))
        {
            NotifyRemovals(_gossip, changed);
            SetGossip(changed);
            _pushPending = true;
        }
    }

    private void SetGossip(Gossip gossip)
    {
        _gossip = gossip;
        _view = new MembershipView(gossip, _config.LeaderRole);
    }

    private void NotifyRemovals(Gossip before, Gossip after)
    {
        foreach (var (node, member) in before.Members)
        {
            if (node != _self.Node && !after.Members.ContainsKey(node) && after.IsTombstoned(node))
            {
                // Removed members are no longer gossiped to; tell them directly so they stop.
                SendTo(member.Address, node, new Excluded(MemberStatus.Removed, "removed from the cluster"));
            }
        }
    }

    private void FlushPush()
    {
        if (!_pushPending || Phase is not (ClusterPhase.Member or ClusterPhase.Stopped))
        {
            return;
        }

        _pushPending = false;
        var message = new GossipMessage(_gossip);
        foreach (var member in _gossip.Members.Values)
        {
            if (member.Node != _self.Node)
            {
                SendTo(member.Address, member.Node, message);
            }
        }
    }

    private void OnGossip(ClusterEnvelope envelope, Gossip remote)
    {
        if (!_gossip.Members.ContainsKey(envelope.From) && !remote.Members.ContainsKey(_self.Node))
        {
            _out.Notice(ClusterNotice.Warning("Ignored gossip from {PeerId}, which is not in this node's cluster", envelope.From));
            return;
        }

        var before = _gossip;
        var merged = _gossip.Merge(remote, _self.Node);
        NotifyRemovals(before, merged);
        SetGossip(merged);
        if (!merged.ContentEquals(remote) || !merged.Seen.SetEquals(remote.Seen))
        {
            SendTo(envelope.FromAddress, envelope.From, new GossipMessage(merged));
        }
    }

    private void OnGossipStatus(ClusterEnvelope envelope, GossipStatus status)
    {
        if (status.Digest != _gossip.Digest())
        {
            SendTo(envelope.FromAddress, envelope.From, new GossipMessage(_gossip));
            return;
        }

        var seen = _gossip.Seen.Union(status.Seen.Where(_gossip.Members.ContainsKey)).Add(_self.Node);
        if (!seen.SetEquals(_gossip.Seen))
        {
            SetGossip(_gossip.WithSeen(seen));
        }

        if (!seen.SetEquals(status.Seen))
        {
            SendTo(envelope.FromAddress, envelope.From, new GossipStatus(_gossip.Digest(), seen));
        }
    }

    private void GossipDuties(long nowMs)
    {
        _nextGossipMs ??= nowMs + _random.NextLong(0, _config.GossipIntervalMs);
        if (nowMs < _nextGossipMs)
        {
            return;
        }

        _nextGossipMs = nowMs + _config.GossipIntervalMs;
        var candidates = _gossip.Members.Values
            .Where(m => m.Node != _self.Node && m.Status < MemberStatus.Down && !_view.IsUnreachable(m.Node))
            .ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        var unseen = candidates.Where(m => !_gossip.Seen.Contains(m.Node)).ToList();
        var pool = unseen.Count > 0 ? unseen : candidates;
        var target = pool[_random.NextInt(pool.Count)];
        ClusterMessage message = _gossip.Seen.Contains(target.Node)
            ? new GossipStatus(_gossip.Digest(), _gossip.Seen)
            : new GossipMessage(_gossip);
        SendTo(target.Address, target.Node, message);
    }

    /// <summary>
    /// A leaving leader is held in Leaving until it has handed over: this node holds itself while it
    /// leads or steps down, and holds another member while it still follows it as leader (until
    /// that leader's heartbeats announce its resignation, or its lease wait ends).
    /// </summary>
    private bool MayExit(UniqueNode node, long nowMs) =>
        _election is not { } election
        || (node == _self.Node
            ? election.Role is not (ElectionRole.Leader or ElectionRole.SteppingDown)
            : election.CurrentLeader(nowMs).Leader != node);

    /// <summary>
    /// A joiner is moved Up only once the acting leader (this node) holds its lease acknowledgement,
    /// and never while this node campaigns: a changed voting set would void the campaign.
    /// </summary>
    private bool MayPromote(UniqueNode node) => _election switch
    {
        null => true,
        { Role: ElectionRole.Candidate } => false,
        { Role: ElectionRole.Leader } election => election.HasLeaseAckFrom(node),
        _ => true,
    };

    /// <summary>
    /// A member leaves the voting set only when that costs this node's election nothing (its
    /// campaign does not count it; as leader, its lease survives without it), or when the hold ran
    /// out (election.md, "Voting set"): shrinking the voting set must not restart the singleton.
    /// </summary>
    private bool MayRemove(UniqueNode node, long nowMs)
    {
        var allowed = _election?.MayRemoveFromVotingSet(node, nowMs, _view) ?? true;
        if (!_removalHold.MayRemove(node, allowed, nowMs, out var heldMs))
        {
            _out.Notice(ClusterNotice.Debug("Coordinator {NodeId} holds the removal of {PeerId} until its election does not depend on it", _self.Node, node));
            return false;
        }

        if (heldMs > 0)
        {
            _out.Notice(ClusterNotice.Warning("Coordinator {NodeId} removes {PeerId} after holding it {Elapsed} ms: the leader's lease still depends on it", _self.Node, node, heldMs));
        }

        return true;
    }

    private void CoordinatorActions(long nowMs)
    {
        var (gossip, actions) = MembershipCoordinator.Act(
            _gossip,
            _view,
            _self.Node,
            nowMs,
            canPromote: MayPromote,
            canExit: node => MayExit(node, nowMs),
            canRemove: node => MayRemove(node, nowMs));
        if (actions.Count == 0)
        {
            return;
        }

        foreach (var action in actions)
        {
            _out.Notice(ClusterNotice.Info("Coordinator {NodeId} moved {PeerId} from {From} to {To}", _self.Node, action.Node, action.From, action.To));
        }

        NotifyRemovals(_gossip, gossip);
        SetGossip(gossip);
        _pushPending = true;
    }
}

using System.Collections.Immutable;
using PeerSync.Cluster.Downing;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster;

/// <summary>Downing (strategy after stable-after, operator commands), leave, and stopping the cluster part.</summary>
public sealed partial class ClusterMachine
{
    private long _decidedForSinceMs = long.MinValue;
    private MemberStatus? _decidedAsStatus;

    private void DowningDuties(long nowMs)
    {
        // The set the strategy decides on: the view's unreachable members, without what observers
        // cut off from this whole side said before the cut (their rows are frozen, downing.md).
        // When this side finishes seeing such an observer unreachable, its old accusations drop
        // out, so the set changes and the strategy waits stable-after again before deciding.
        // Cut-off leavers whose frozen rows still accuse someone are decided about too (they would
        // block convergence for good otherwise).
        _stability.Observe(CredibleReachability.Undecided(_gossip, _self.Node), nowMs);
        // The strategy is evaluated once per stable unreachable set *and* standing of this node: a
        // Joining member does not count for a side, and when it becomes Up or Leaving under the same
        // stable set it must get a verdict (seed 663: a stranded joiner told to leave kept waiting
        // for a decision that had been taken, as "does not count", before it left).
        var myStatus = _gossip.MemberOf(_self.Node)?.Status;
        if (!_stability.IsStable(nowMs, _config.StableAfterMs) || (_decidedForSinceMs == _stability.SinceMs && _decidedAsStatus == myStatus))
        {
            return;
        }

        _decidedForSinceMs = _stability.SinceMs;
        _decidedAsStatus = myStatus;
        var decision = DowningDecider.Decide(_config.DowningStrategy, _view, _self.Node, _config.StaticQuorumSize, _config.KeepOldestDownIfAlone);
        if (decision.IsNothing)
        {
            return;
        }

        if (decision.DownSelf || decision.ToDown.Contains(_self.Node))
        {
            _out.Notice(ClusterNotice.Warning("Node {NodeId} downs itself: {Reason}", _self.Node, decision.Reason));
            MarkDown([_self.Node]);
            Stop($"downed itself: {decision.Reason}");
            return;
        }

        _out.Notice(ClusterNotice.Warning("Node {NodeId} downs {Members}: {Reason}", _self.Node, string.Join(", ", decision.ToDown), decision.Reason));
        MarkDown(decision.ToDown);
    }

    private void MarkDown(IEnumerable<UniqueNode> nodes)
    {
        var members = _gossip.Members;
        foreach (var node in nodes)
        {
            if (members.TryGetValue(node, out var member) && member.Status < MemberStatus.Down)
            {
                members = members.SetItem(node, member.WithStatus(MemberStatus.Down));
            }
        }

        ChangeGossip(members: members);
    }

    private void LeaveCommand(NodeId? node, long nowMs)
    {
        if (Phase != ClusterPhase.Member)
        {
            if (node is null || node == _self.Node.Id)
            {
                Stop("left before joining a cluster");
            }

            return;
        }

        var target = node is null ? _gossip.MemberOf(_self.Node) : _gossip.MemberById(node.Value);
        if (target is null)
        {
            _out.Notice(ClusterNotice.Warning("Leave ignored: {NodeId} is not a member", node?.ToString() ?? _self.Node.ToString()));
            return;
        }

        if (target.Status <= MemberStatus.Up)
        {
            ChangeGossip(members: _gossip.Members.SetItem(target.Node, target.WithStatus(MemberStatus.Leaving)));
            _out.Notice(ClusterNotice.Info("Member {PeerId} is leaving", target.Node));
        }
    }

    private void DownCommand(NodeId node, long nowMs)
    {
        if (Phase != ClusterPhase.Member || _gossip.MemberById(node) is not { } target)
        {
            _out.Notice(ClusterNotice.Warning("Down ignored: {NodeId} is not a member", node));
            return;
        }

        _out.Notice(ClusterNotice.Warning("Member {PeerId} is downed by the operator", target.Node));
        MarkDown([target.Node]);
        if (target.Node == _self.Node)
        {
            Stop("downed by the operator");
        }
    }

    private void OnExcluded(ClusterEnvelope envelope, Excluded excluded)
    {
        if (Phase == ClusterPhase.Member && _gossip.MemberOf(envelope.From) is null)
        {
            // Only a member of this node's own cluster may exclude it (a seed may while joining).
            _out.Notice(ClusterNotice.Warning("Ignored an exclusion from {PeerId}, which is not a member", envelope.From));
            return;
        }

        Stop(excluded.Status == MemberStatus.Down
            ? $"this member was downed (told by {envelope.From}: {excluded.Reason})"
            : $"this member was removed (told by {envelope.From}: {excluded.Reason})");
    }

    private long? _exitingSinceMs;
    private long? _strandedSinceMs;

    /// <summary>Stops when this node sees itself Down or removed; returns true if it stopped.</summary>
    private bool CheckSelfStatus()
    {
        if (Phase == ClusterPhase.Member && _gossip.MemberOf(_self.Node) is { Status: MemberStatus.Exiting } && _lastStepMs is { } now)
        {
            // An Exiting member neither votes nor counts for a side; if the cluster cannot confirm
            // its removal (the rest is unreachable and nobody is left to down them), it stops on its
            // own after a bounded wait instead of lingering in a dead cluster.
            _exitingSinceMs ??= now;
            if (now - _exitingSinceMs.Value >= 2 * _config.StableAfterMs)
            {
                Stop("left the cluster (the removal was not confirmed in time)");
                return true;
            }
        }

        if (Phase == ClusterPhase.Member && _gossip.MemberOf(_self.Node) is { Status: MemberStatus.Joining } && _lastStepMs is { } at)
        {
            // A Joining member does not count for a side and coordinates only in a forming cluster,
            // so it cannot resolve a cluster whose members that were Up all became unreachable or
            // Down; it gives up and joins afresh instead of waiting forever (or acting on a stale view).
            var anyReachableUp = _gossip.Members.Values.Any(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting && !_view.IsUnreachable(m.Node));
            _strandedSinceMs = anyReachableUp || _view.IsForming ? null : _strandedSinceMs ?? at;
            if (_strandedSinceMs is { } since && at - since >= 2 * _config.StableAfterMs)
            {
                Stop("could not finish joining: no Up member of the cluster is reachable");
                return true;
            }
        }

        if (Phase != ClusterPhase.Member)
        {
            return Phase == ClusterPhase.Stopped;
        }

        var me = _gossip.MemberOf(_self.Node);
        if (me is null)
        {
            Stop(_gossip.IsTombstoned(_self.Node) ? "this member was removed from the cluster" : "this member is no longer in the cluster");
            return true;
        }

        if (me.Status == MemberStatus.Down)
        {
            Stop("this member was downed");
            return true;
        }

        return false;
    }

    private void Stop(string reason)
    {
        if (Phase == ClusterPhase.Stopped)
        {
            return;
        }

        _election?.Abdicate(reason);
        FlushPush();
        Phase = ClusterPhase.Stopped;
        StopReason = reason;
        _out.Stop(new StopClusterPart(reason));
        _out.Notice(ClusterNotice.Warning("Cluster part of {NodeId} stops: {Reason}", _self.Node, reason));
    }
}

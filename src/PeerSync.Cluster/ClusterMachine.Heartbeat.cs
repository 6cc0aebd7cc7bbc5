using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster;

/// <summary>
/// Heartbeats (all-to-all, every heartbeat-interval) feed the failure detectors; this node's own
/// reachability row follows its detectors. A leader's heartbeats also carry its epoch and collect
/// lease acknowledgements (docs/design/failure-detector.md, election.md).
/// </summary>
public sealed partial class ClusterMachine
{
    private long? _nextHeartbeatMs;
    private long _heartbeatSequence;

    private void SyncMonitoring(long nowMs)
    {
        foreach (var member in _gossip.Members.Values)
        {
            if (member.Node != _self.Node && member.Status < MemberStatus.Down && !_detectors.IsMonitoring(member.Node))
            {
                _detectors.StartMonitoring(member.Node, nowMs);
                if (_election is { Role: ElectionRole.Leader })
                {
                    // A leader greets a new member at once, so its lease acknowledgement is there
                    // before the member can be moved Up into the voting set.
                    _nextHeartbeatMs = nowMs;
                }
            }
        }

        foreach (var node in _detectors.Monitored.ToList())
        {
            if (_gossip.MemberOf(node) is not { Status: < MemberStatus.Down })
            {
                _detectors.StopMonitoring(node);
            }
        }
    }

    private void UpdateOwnReachability(long nowMs)
    {
        var table = _gossip.Reachability;
        var row = table.RowOf(_self.Node);
        foreach (var node in _detectors.Monitored.ToList())
        {
            var available = _detectors.IsAvailable(node, nowMs);
            var listed = row.Unreachable.Contains(node);
            if (!available && !listed)
            {
                table = table.Mark(_self.Node, node, unreachable: true);
                _out.Notice(ClusterNotice.Info("Node {NodeId} sees {PeerId} as unreachable (phi {Phi})", _self.Node, node, Math.Round(_detectors.Phi(node, nowMs), 1)));
            }
            else if (available && listed)
            {
                table = table.Mark(_self.Node, node, unreachable: false);
                _detectors.Reset(node, nowMs);
                _out.Notice(ClusterNotice.Info("Node {NodeId} sees {PeerId} as reachable again", _self.Node, node));
            }
        }

        if (!ReferenceEquals(table, _gossip.Reachability))
        {
            ChangeGossip(reachability: table);
        }
    }

    private void HeartbeatDuties(long nowMs)
    {
        _nextHeartbeatMs ??= nowMs;
        if (nowMs < _nextHeartbeatMs)
        {
            return;
        }

        _nextHeartbeatMs = nowMs + _config.HeartbeatIntervalMs;
        _heartbeatSequence++;
        var leaderEpoch = _election is { Role: ElectionRole.Leader } election ? election.LeaderEpoch : Epoch.None;
        var heartbeat = new Heartbeat(_heartbeatSequence, nowMs, leaderEpoch, _election?.ResignedEpoch ?? Epoch.None);
        foreach (var member in _gossip.Members.Values)
        {
            if (member.Node != _self.Node && member.Status < MemberStatus.Down)
            {
                SendTo(member.Address, member.Node, heartbeat);
            }
        }
    }

    private void OnHeartbeat(ClusterEnvelope envelope, Heartbeat heartbeat, long nowMs)
    {
        if (_gossip.MemberOf(envelope.From) is not { } sender)
        {
            return;
        }

        if (sender.Status >= MemberStatus.Down)
        {
            SendTo(envelope.FromAddress, envelope.From, new Excluded(MemberStatus.Down, "this member was downed"));
            return;
        }

        _detectors.Heartbeat(envelope.From, nowMs);
        if (_election?.OnHeartbeat(envelope.From, heartbeat, nowMs, ElectionContextNow) is { } ack)
        {
            SendTo(envelope.FromAddress, envelope.From, ack);
        }
    }

    private void Receive(ClusterEnvelope envelope, long nowMs)
    {
        var message = envelope.Message;

        // A leader that left hands over right after its singleton stopped, and its removal may
        // overtake that HandOver: the resignation still counts (it is only sent once the singleton
        // stopped), so the successor need not wait out the lease.
        if (Phase == ClusterPhase.Member && envelope.From != _self.Node && _gossip.IsTombstoned(envelope.From)
            && message is not (InitJoin or Excluded or HandOver))
        {
            SendTo(envelope.FromAddress, envelope.From, new Excluded(MemberStatus.Removed, "this incarnation was removed from the cluster"));
            return;
        }

        switch (message)
        {
            case InitJoin:
                OnInitJoin(envelope);
                break;
            case InitJoinAck:
                OnInitJoinAck(envelope, nowMs);
                break;
            case InitJoinNack:
                OnInitJoinNack(envelope, nowMs);
                break;
            case Join join:
                OnJoin(envelope, join, nowMs);
                break;
            case Welcome welcome:
                OnWelcome(envelope, welcome);
                break;
            case JoinRefused refused:
                OnJoinRefused(envelope, refused, nowMs);
                break;
            case Excluded excluded:
                OnExcluded(envelope, excluded);
                break;
            default:
                if (Phase == ClusterPhase.Member)
                {
                    ReceiveAsMember(envelope, nowMs);
                }

                break;
        }
    }

    private void ReceiveAsMember(ClusterEnvelope envelope, long nowMs)
    {
        switch (envelope.Message)
        {
            case GossipMessage gossip:
                OnGossip(envelope, gossip.Gossip);
                break;
            case GossipStatus status:
                OnGossipStatus(envelope, status);
                break;
            case Heartbeat heartbeat:
                OnHeartbeat(envelope, heartbeat, nowMs);
                break;
            case HeartbeatAck ack:
                _election?.OnHeartbeatAck(envelope.From, ack, nowMs, ElectionContextNow);
                break;
            case VoteRequest request:
                if (_election is { } election && _gossip.MemberOf(envelope.From) is not null)
                {
                    SendTo(envelope.FromAddress, envelope.From, election.OnVoteRequest(envelope.From, request, nowMs, ElectionContextNow));
                }

                break;
            case VoteResponse response:
                _election?.OnVoteResponse(envelope.From, response, nowMs, ElectionContextNow);
                break;
            case HandOver handOver:
                _election?.OnHandOver(envelope.From, handOver, nowMs);
                break;
            default:
                _out.Notice(ClusterNotice.Debug("Ignored {Kind} from {PeerId}", envelope.Message.Kind, envelope.From));
                break;
        }
    }
}

using System.Globalization;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Election;

/// <summary>Campaigns, votes, lease acknowledgements and handover messages.</summary>
public sealed partial class ElectionMachine
{
    private bool CanCampaign(long nowMs, ElectionContext context) =>
        context.SelfCanLead && nowMs >= _nextCampaignAtMs && LeaseClearFor(_self, nowMs, Epoch.None, false);

    /// <summary>
    /// The lease rule: this node may vote for <paramref name="candidate"/> only if it has not
    /// acknowledged another leader within lease + margin, or that leader resigned.
    /// </summary>
    private bool LeaseClearFor(UniqueNode candidate, long nowMs, Epoch predecessorEpoch, bool predecessorResigned) =>
        _leaseHolder is not { } holder
        || holder == candidate
        || _leaseHolderResigned
        || (predecessorResigned && predecessorEpoch >= _leaseEpoch)
        || nowMs - _leaseGrantedAtMs > _voterWaitMs;

    private void StartCampaign(long nowMs, ElectionContext context)
    {
        var view = context.View;
        var epoch = Epoch.Max(Epoch.Max(PromisedEpoch, view.Gossip.Election.MaxEpoch), view.Gossip.Election.LeaderEpoch).Next;
        PromisedEpoch = epoch;
        _votedFor = _self;
        _effects.RecordEpoch(epoch);
        Role = ElectionRole.Candidate;
        _campaignEpoch = epoch;
        _campaignDigest = view.VotingSetDigest;
        _campaignVoters = view.VotingSet;
        _campaignDeadlineMs = nowMs + _voteTimeoutMs;
        _grants.Clear();
        _grants.Add(_self);
        _effects.Notice(ClusterNotice.Info("Node {NodeId} runs for leader in epoch {Epoch} with {Count} voters", _self, epoch, view.VotingSet.Count));
        var request = new VoteRequest(epoch, nowMs, view.VotingSetDigest, _leaseEpoch, _leaseHolderResigned);
        foreach (var voter in view.VotingSet)
        {
            if (voter != _self && view.Gossip.MemberOf(voter) is { Status: < Membership.MemberStatus.Down })
            {
                _effects.Send(voter, request);
            }
        }

        TryWin(nowMs, context);
    }

    private void EvaluateCandidate(long nowMs, ElectionContext context)
    {
        if (!context.SelfCanLead || context.View.VotingSetDigest != _campaignDigest)
        {
            Abandon(nowMs, "the candidate is no longer rightful or the voting set changed");
            return;
        }

        if (!TryWin(nowMs, context) && nowMs >= _campaignDeadlineMs)
        {
            Abandon(nowMs, "no majority answered in time");
        }
    }

    private bool TryWin(long nowMs, ElectionContext context)
    {
        var majority = (_campaignVoters.Count / 2) + 1;
        if (_grants.Count(_campaignVoters.Contains) < majority
            || !context.SelfCanLead
            || context.View.VotingSetDigest != _campaignDigest)
        {
            return false;
        }

        Role = ElectionRole.Leader;
        LeaderEpoch = _campaignEpoch;
        Acting = false;
        _leaderSinceMs = nowMs;
        _ackedSendMs.Clear();
        _leaseHolder = _self;
        _leaseEpoch = LeaderEpoch;
        _leaseGrantedAtMs = nowMs;
        _leaseHolderResigned = false;
        _effects.RecordLeader(LeaderEpoch, _self);
        _effects.Notice(ClusterNotice.Info("Node {NodeId} won epoch {Epoch} with {Count} votes", _self, LeaderEpoch, _grants.Count));
        _effects.HeartbeatNow();
        EvaluateLeader(nowMs, context);
        return true;
    }

    private void Abandon(long nowMs, string reason)
    {
        Role = ElectionRole.Follower;
        _grants.Clear();

        // Randomized backoff so two nodes that both believe they are rightful do not collide forever.
        _nextCampaignAtMs = nowMs + _voteTimeoutMs + _random.NextLong(0, _voteTimeoutMs);
        _effects.Notice(ClusterNotice.Debug("Node {NodeId} abandons its campaign for epoch {Epoch}: {Reason}", _self, _campaignEpoch, reason));
    }

    /// <summary>Answers a vote request; the caller sends the response.</summary>
    public VoteResponse OnVoteRequest(UniqueNode candidate, VoteRequest request, long nowMs, ElectionContext context)
    {
        VoteResponse Refuse(string reason, long retryAfterMs = 0) =>
            new(request.Epoch, request.SentAtMs, false, PromisedEpoch, reason, retryAfterMs);

        if (!context.SelfCanVote)
        {
            return Refuse("not a voting member");
        }

        if (request.Epoch < PromisedEpoch || (request.Epoch == PromisedEpoch && _votedFor != candidate))
        {
            return Refuse(Text($"already promised epoch {PromisedEpoch}"));
        }

        if (request.Epoch == PromisedEpoch && _votedFor == candidate)
        {
            return new VoteResponse(request.Epoch, request.SentAtMs, true, PromisedEpoch, "", 0);
        }

        if (request.VotingSetDigest != context.View.VotingSetDigest)
        {
            return Refuse("the voting sets differ", _voteTimeoutMs);
        }

        if (context.View.RightfulLeader != candidate)
        {
            return Refuse(Text($"the rightful leader here is {context.View.RightfulLeader?.ToString() ?? "none"}"), _voteTimeoutMs);
        }

        if (Role is ElectionRole.Leader or ElectionRole.SteppingDown)
        {
            return Refuse("this node is the leader", _voteTimeoutMs);
        }

        if (!LeaseClearFor(candidate, nowMs, request.PredecessorEpoch, request.PredecessorResigned))
        {
            var wait = _voterWaitMs - (nowMs - _leaseGrantedAtMs) + 1;
            return Refuse(Text($"leader {_leaseHolder} was heard {nowMs - _leaseGrantedAtMs} ms ago"), wait);
        }

        PromisedEpoch = request.Epoch;
        _votedFor = candidate;
        _effects.RecordEpoch(request.Epoch);
        if (Role == ElectionRole.Candidate)
        {
            Role = ElectionRole.Follower;
            _grants.Clear();
        }

        return new VoteResponse(request.Epoch, request.SentAtMs, true, PromisedEpoch, "", 0);
    }

    public void OnVoteResponse(UniqueNode voter, VoteResponse response, long nowMs, ElectionContext context)
    {
        if (response.PromisedEpoch > PromisedEpoch && !response.Granted)
        {
            PromisedEpoch = response.PromisedEpoch;
            _effects.RecordEpoch(response.PromisedEpoch);
        }

        if (Role != ElectionRole.Candidate || response.Epoch != _campaignEpoch)
        {
            return;
        }

        if (response.Granted)
        {
            _grants.Add(voter);
            TryWin(nowMs, context);
        }
        else if (response.RetryAfterMs > 0)
        {
            _nextCampaignAtMs = Math.Max(_nextCampaignAtMs, nowMs + response.RetryAfterMs);
        }
    }

    /// <summary>Handles a heartbeat; returns the acknowledgement to send when the sender claims leadership.</summary>
    public HeartbeatAck? OnHeartbeat(UniqueNode from, Heartbeat heartbeat, long nowMs, ElectionContext context)
    {
        if (heartbeat.LeaderEpoch == Epoch.None)
        {
            if (heartbeat.ResignedEpoch > Epoch.None && _leaseHolder == from && heartbeat.ResignedEpoch >= _leaseEpoch && !_leaseHolderResigned)
            {
                _leaseHolderResigned = true;
            }

            return null;
        }

        var epoch = heartbeat.LeaderEpoch;
        HeartbeatAck Answer(bool granted) => new(heartbeat.Sequence, heartbeat.SentAtMs, epoch, granted, PromisedEpoch);
        if (epoch < PromisedEpoch || context.Self is null || context.View.Gossip.MemberOf(from) is not { Status: < Membership.MemberStatus.Down })
        {
            return Answer(false);
        }

        if (Role is ElectionRole.Leader or ElectionRole.SteppingDown && from != _self)
        {
            if (epoch == LeaderEpoch)
            {
                throw new ClusterInvariantException(Text($"two leaders in epoch {epoch}: {_self} and {from}"));
            }

            // A leader of a higher epoch exists: this one cannot hold a lease any more; step aside.
            if (Role == ElectionRole.Leader)
            {
                BeginStepDown(Text($"leader {from} of higher epoch {epoch} exists"), null, nowMs);
            }
        }

        if (epoch > PromisedEpoch)
        {
            PromisedEpoch = epoch;
            _votedFor = from;
            _effects.RecordEpoch(epoch);
        }

        if (Role == ElectionRole.Candidate)
        {
            Role = ElectionRole.Follower;
            _grants.Clear();
        }

        _leaseHolder = from;
        _leaseEpoch = epoch;
        _leaseGrantedAtMs = nowMs;
        _leaseHolderResigned = false;
        return Answer(true);
    }

    public void OnHeartbeatAck(UniqueNode from, HeartbeatAck ack, long nowMs, ElectionContext context)
    {
        if (Role != ElectionRole.Leader || ack.LeaderEpoch != LeaderEpoch)
        {
            return;
        }

        if (ack.LeaseGranted)
        {
            _ackedSendMs[from] = _ackedSendMs.TryGetValue(from, out var previous) ? Math.Max(previous, ack.EchoSentAtMs) : ack.EchoSentAtMs;
            EvaluateLeader(nowMs, context);
        }
        else if (ack.PromisedEpoch > LeaderEpoch)
        {
            PromisedEpoch = Epoch.Max(PromisedEpoch, ack.PromisedEpoch);
            _effects.RecordEpoch(ack.PromisedEpoch);
            BeginStepDown(Text($"{from} has promised higher epoch {ack.PromisedEpoch}"), null, nowMs);
        }
    }

    public void OnHandOver(UniqueNode from, HandOver handOver, long nowMs)
    {
        if (handOver.Successor != _self)
        {
            return;
        }

        if (_leaseHolder == from && handOver.Epoch >= _leaseEpoch)
        {
            _leaseHolderResigned = true;
        }

        _nextCampaignAtMs = nowMs;
        _effects.Notice(ClusterNotice.Info("Node {NodeId} received the handover of epoch {Epoch} from {Leader}", _self, handOver.Epoch, from));
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

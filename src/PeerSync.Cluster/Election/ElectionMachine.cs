using System.Collections.Immutable;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Election;

/// <summary>
/// Leader election with epochs, votes and a majority lease (docs/design/election.md). Separate from
/// downing so a crashed leader is replaced in ~3 s. In short: the rightful candidate (oldest Up
/// member a majority sees as reachable) asks for votes in epoch = highest seen + 1; a member votes
/// at most once per epoch, only for the candidate rightful in its own view, only when both hold
/// the same voting set, and only after it has not acknowledged the previous leader for lease +
/// margin; the winner acts only while a majority acknowledged one of its heartbeats within the lease.
/// </summary>
public sealed partial class ElectionMachine
{
    private readonly UniqueNode _self;
    private readonly long _leaseMs;
    private readonly long _voterWaitMs;
    private readonly long _voteTimeoutMs;
    private readonly DeterministicRandom _random;
    private readonly IElectionEffects _effects;

    // Voter state: whom this node voted for in PromisedEpoch (itself when it ran).
    private UniqueNode? _votedFor;

    // The leader this node last acknowledged with a lease grant: it may not vote for anyone else
    // until voterWait has passed since then, unless that leader announced its resignation.
    private UniqueNode? _leaseHolder;
    private Epoch _leaseEpoch;
    private long _leaseGrantedAtMs;
    private bool _leaseHolderResigned;

    // Candidate state.
    private Epoch _campaignEpoch;
    private ulong _campaignDigest;
    private ImmutableSortedSet<UniqueNode> _campaignVoters = UniqueNodeOrder.EmptySet;
    private readonly HashSet<UniqueNode> _grants = [];
    private long _campaignDeadlineMs;
    private long _nextCampaignAtMs;

    // Leader state: per voter, the send time of the newest heartbeat it acknowledged with a lease.
    private readonly Dictionary<UniqueNode, long> _ackedSendMs = [];
    private long _leaderSinceMs;
    private UniqueNode? _handOverTo;

    public ElectionMachine(ClusterConfig config, UniqueNode self, DeterministicRandom random, IElectionEffects effects)
    {
        ArgumentNullException.ThrowIfNull(config);
        _self = self;
        _leaseMs = config.LeaseMs;
        _voterWaitMs = config.VoterWaitMs;
        _voteTimeoutMs = config.VoteTimeoutMs;
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _effects = effects ?? throw new ArgumentNullException(nameof(effects));
    }

    public ElectionRole Role { get; private set; } = ElectionRole.Follower;

    /// <summary>The highest epoch this node has voted in, run for, or seen a leader of.</summary>
    public Epoch PromisedEpoch { get; private set; }

    /// <summary>The epoch this node leads (meaningful while <see cref="Role"/> is Leader or SteppingDown).</summary>
    public Epoch LeaderEpoch { get; private set; }

    /// <summary>True while this node is leader and holds a majority lease: the singleton may run.</summary>
    public bool Acting { get; private set; }

    /// <summary>Local time at which the current lease lapses (meaningful while <see cref="Acting"/>).</summary>
    public long LeaseExpiryMs { get; private set; }

    /// <summary>The epoch this node last resigned, announced in its heartbeats.</summary>
    public Epoch ResignedEpoch { get; private set; }

    /// <summary>The leader as this node currently believes it (itself when acting), with its epoch.</summary>
    public (UniqueNode? Leader, Epoch Epoch) CurrentLeader(long nowMs)
    {
        if (Role == ElectionRole.Leader && Acting)
        {
            return (_self, LeaderEpoch);
        }

        if (_leaseHolder is { } holder && holder != _self && !_leaseHolderResigned && _leaseEpoch > Epoch.None
            && nowMs - _leaseGrantedAtMs <= _voterWaitMs)
        {
            return (holder, _leaseEpoch);
        }

        return (null, Epoch.None);
    }

    /// <summary>True when, as leader, this node has a lease acknowledgement from <paramref name="node"/> in its epoch.</summary>
    public bool HasLeaseAckFrom(UniqueNode node) => Role == ElectionRole.Leader && _ackedSendMs.ContainsKey(node);

    /// <summary>
    /// Whether removing <paramref name="member"/> from the voting set now leaves this node's
    /// election where it is (election.md, "Voting set"): a candidate whose campaign counts the
    /// member would have to abandon it, a leader that does not act yet would have to gather its
    /// lease again, and an acting leader keeps its lease only if a majority of the voting set
    /// without the member acknowledged one of its heartbeats within the lease. A follower or a
    /// stepping-down leader has nothing to lose. The coordinator holds a removal while this is
    /// false; delaying a coordinator step is always safe.
    /// </summary>
    public bool MayRemoveFromVotingSet(UniqueNode member, long nowMs, MembershipView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return Role switch
        {
            ElectionRole.Candidate => !_campaignVoters.Contains(member),
            ElectionRole.Leader => !view.VotingSet.Contains(member)
                || (Acting && ComputeLeaseExpiry(nowMs, view.VotingSet, except: member) > nowMs),
            _ => true,
        };
    }

    /// <summary>The next time the election needs a step even if nothing arrives.</summary>
    public long? NextWakeMs(long nowMs)
    {
        long? next = null;
        void Consider(long at)
        {
            if (at > nowMs && (next is null || at < next))
            {
                next = at;
            }
        }

        if (Role == ElectionRole.Leader)
        {
            Consider(Acting ? LeaseExpiryMs : _leaderSinceMs + _leaseMs);
        }

        if (Role == ElectionRole.Candidate)
        {
            Consider(_campaignDeadlineMs);
        }

        Consider(_nextCampaignAtMs);
        if (_leaseHolder is not null)
        {
            Consider(_leaseGrantedAtMs + _voterWaitMs + 1);
        }

        return next;
    }

    /// <summary>Re-evaluates leadership after any change or time passing.</summary>
    public void Evaluate(long nowMs, ElectionContext context)
    {
        switch (Role)
        {
            case ElectionRole.Leader:
                EvaluateLeader(nowMs, context);
                break;
            case ElectionRole.Candidate:
                EvaluateCandidate(nowMs, context);
                break;
            case ElectionRole.Follower:
                if (CanCampaign(nowMs, context))
                {
                    StartCampaign(nowMs, context);
                }

                break;
            case ElectionRole.SteppingDown:
                break;
        }
    }

    /// <summary>This node is being downed or removed: stop acting at once.</summary>
    public void Abdicate(string reason)
    {
        if (Acting)
        {
            _effects.SingletonStop(LeaderEpoch, reason);
        }

        Acting = false;
        Role = ElectionRole.Follower;
    }

    /// <summary>The host confirms the singleton has stopped; a stepping-down leader may now announce its resignation.</summary>
    public void OnSingletonStopped(long nowMs)
    {
        if (Role == ElectionRole.SteppingDown)
        {
            CompleteStepDown(nowMs);
        }
    }

    private void EvaluateLeader(long nowMs, ElectionContext context)
    {
        LeaseExpiryMs = ComputeLeaseExpiry(nowMs, context.View);
        if (!Acting)
        {
            if (nowMs < LeaseExpiryMs)
            {
                Acting = true;
                _effects.SingletonRun(LeaderEpoch);
                _effects.Notice(ClusterNotice.Info("Leader {Leader} holds a majority lease in epoch {Epoch}; the singleton may run", _self, LeaderEpoch));
            }
            else if (nowMs - _leaderSinceMs >= _leaseMs)
            {
                BeginStepDown("no majority acknowledged the new leader within the lease", null, nowMs);
                return;
            }
        }
        else if (nowMs >= LeaseExpiryMs)
        {
            BeginStepDown("lease lapsed: no majority acknowledged a heartbeat within the lease", null, nowMs);
            return;
        }

        if (context.Self is not { Status: MemberStatus.Up } || context.View.RightfulLeader != _self)
        {
            var successor = context.View.RightfulLeader;
            BeginStepDown(successor is null ? "no longer eligible" : "handing over to the rightful leader", successor, nowMs);
        }
    }

    private long ComputeLeaseExpiry(long nowMs, MembershipView view) => ComputeLeaseExpiry(nowMs, view.VotingSet, except: null);

    private long ComputeLeaseExpiry(long nowMs, ImmutableSortedSet<UniqueNode> votingSet, UniqueNode? except)
    {
        // The k-th most recent acknowledged send time, k = majority of the voting set (without
        // `except`, when asking whether the lease survives that member's removal); this node
        // counts with "now" because a leader never votes for anyone else.
        var times = new List<long>(votingSet.Count);
        foreach (var voter in votingSet)
        {
            if (voter == except)
            {
                continue;
            }

            if (voter == _self)
            {
                times.Add(nowMs);
            }
            else if (_ackedSendMs.TryGetValue(voter, out var sent))
            {
                times.Add(sent);
            }
        }

        var size = votingSet.Count - (except is { } removed && votingSet.Contains(removed) ? 1 : 0);
        var majority = (size / 2) + 1;
        if (times.Count < majority)
        {
            return long.MinValue;
        }

        times.Sort();
        times.Reverse();
        return times[majority - 1] + _leaseMs;
    }

    private void BeginStepDown(string reason, UniqueNode? successor, long nowMs)
    {
        var wasActing = Acting;
        Acting = false;
        Role = ElectionRole.SteppingDown;
        _handOverTo = successor;
        _effects.Notice(ClusterNotice.Info("Leader {Leader} steps down from epoch {Epoch}: {Reason}", _self, LeaderEpoch, reason));
        if (wasActing)
        {
            _effects.SingletonStop(LeaderEpoch, reason);
        }
        else
        {
            CompleteStepDown(nowMs);
        }
    }

    private void CompleteStepDown(long nowMs)
    {
        Role = ElectionRole.Follower;
        ResignedEpoch = LeaderEpoch;
        _ackedSendMs.Clear();
        if (_leaseHolder == _self)
        {
            _leaseHolderResigned = true;
        }

        _nextCampaignAtMs = nowMs;
        if (_handOverTo is { } successor && successor != _self)
        {
            _effects.Send(successor, new HandOver(LeaderEpoch, successor));
            _effects.Notice(ClusterNotice.Info("Leader {Leader} handed epoch {Epoch} over to {Successor}", _self, LeaderEpoch, successor));
        }

        _handOverTo = null;
    }
}

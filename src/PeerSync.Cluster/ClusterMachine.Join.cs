using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster;

/// <summary>
/// Joining through the seed nodes (docs/design/membership.md, "Join"): InitJoin to every other seed;
/// the first member that acknowledges gets a Join and answers Welcome. Only the first seed may form
/// a new cluster: when no seed acknowledged within seed-node-timeout of its start, when every other
/// seed said no in one round, or — once a cluster had answered it — when that cluster has been silent
/// for seed-node-timeout and a majority of the other seeds said no meanwhile. Every other node
/// retries every retry-interval until it is in.
/// </summary>
public sealed partial class ClusterMachine
{
    private long? _joinDeadlineMs;
    private long? _nextProbeMs;
    // The first seed may form a cluster from this time on (while probing): seed-node-timeout after
    // it started or last heard from a member of a cluster (an acknowledgement or a refusal).
    private long? _formDeadlineMs;
    private bool _mayFormCluster;
    private readonly HashSet<EndpointAddress> _nacks = [];

    // Once a member of a cluster answered, silence alone proves nothing (that cluster may be
    // partitioned away): the first seed then needs "not in a cluster" from a majority of the other
    // seeds, gathered since that cluster last answered, before it may form one.
    private bool _heardFromCluster;
    private readonly HashSet<EndpointAddress> _nacksSinceClusterAnswer = [];

    private bool MayFormNow(long nowMs) =>
        Phase == ClusterPhase.Probing && _mayFormCluster && nowMs >= _formDeadlineMs
        && (!_heardFromCluster || _nacksSinceClusterAnswer.Count > OtherSeeds.Count() / 2);

    private void HeardFromCluster(long nowMs)
    {
        _heardFromCluster = true;
        _nacksSinceClusterAnswer.Clear();
        _formDeadlineMs = nowMs + _config.SeedNodeTimeoutMs;
    }

    private bool IsFirstSeed => _config.SeedNodes.Length > 0 && _config.SeedNodes[0] == _self.Address;

    private IEnumerable<EndpointAddress> OtherSeeds => _config.SeedNodes.Where(s => s != _self.Address);

    private void StartJoin(long nowMs)
    {
        if (Phase != ClusterPhase.Idle)
        {
            _out.Notice(ClusterNotice.Debug("Join ignored: node {NodeId} is already {Phase}", _self.Node, Phase));
            return;
        }

        // Only the first seed may form a cluster, and only once seed-node-timeout has passed without
        // any member of a cluster answering it (each answer moves the deadline).
        _mayFormCluster = IsFirstSeed;
        _formDeadlineMs = nowMs + _config.SeedNodeTimeoutMs;
        Probe(nowMs, first: true);
    }

    private void Probe(long nowMs, bool first)
    {
        Phase = ClusterPhase.Probing;
        _nacks.Clear();
        var others = OtherSeeds.ToList();
        if (others.Count == 0 && IsFirstSeed)
        {
            FormCluster(nowMs, "this node is the only seed");
            return;
        }

        foreach (var seed in others)
        {
            SendTo(seed, null, new InitJoin());
        }

        // The first seed waits at least one retry interval for answers to this round, even when a
        // cluster that answered earlier has been silent for longer than seed-node-timeout.
        var answerGraceMs = Math.Min(_config.JoinRetryIntervalMs, _config.SeedNodeTimeoutMs);
        _joinDeadlineMs = _mayFormCluster ? Math.Max(_formDeadlineMs ?? 0, nowMs + answerGraceMs) : nowMs + _config.JoinRetryIntervalMs;
        _nextProbeMs = nowMs + _config.JoinRetryIntervalMs;
        if (first)
        {
            _out.Notice(ClusterNotice.Info("Node {NodeId} asks {Count} seed nodes to join", _self.Node, others.Count));
        }
    }

    private void JoinDuties(long nowMs)
    {
        if (Phase == ClusterPhase.Probing && _nextProbeMs is { } probeAt && nowMs >= probeAt && nowMs < _joinDeadlineMs)
        {
            // The first seed keeps asking while it waits: one lost InitJoin must not make it form a
            // second cluster next to a running one.
            _nextProbeMs = nowMs + _config.JoinRetryIntervalMs;
            foreach (var seed in OtherSeeds)
            {
                SendTo(seed, null, new InitJoin());
            }
        }

        if (_joinDeadlineMs is { } deadline && nowMs >= deadline)
        {
            if (MayFormNow(nowMs))
            {
                FormCluster(nowMs, _heardFromCluster
                    ? "the cluster that answered earlier is silent and a majority of the other seed nodes answered that they are not in a cluster"
                    : "no other seed node answered within the seed-node timeout");
            }
            else
            {
                Probe(nowMs, first: false);
            }
        }
    }

    private void FormCluster(long nowMs, string reason)
    {
        var me = Member.Create(_self.Node, _self.Address, _self.Roles, _self.StartupTimeMs);
        Phase = ClusterPhase.Member;
        _joinDeadlineMs = null;
        _watchingSinceMs = nowMs;
        // Epochs of a new cluster start above the former's wall-clock start time, so a cluster formed
        // again after a total restart never reuses an epoch of an earlier one (persisted epoch fences
        // downstream stay valid).
        var firstEpoch = new PeerSync.Cluster.Election.Epoch(Math.Max(0, _self.StartupTimeMs));
        ChangeGossip(members: Gossip.Empty.Members.Add(me.Node, me), election: ElectionRecord.None.WithMaxEpoch(firstEpoch));
        _out.Notice(ClusterNotice.Info("Node {NodeId} forms a new cluster: {Reason}", _self.Node, reason));
    }

    private void OnInitJoin(ClusterEnvelope envelope)
    {
        var isMember = Phase == ClusterPhase.Member && _gossip.MemberOf(_self.Node) is { Status: <= MemberStatus.Leaving };
        SendTo(envelope.FromAddress, envelope.From, isMember ? new InitJoinAck() : new InitJoinNack());
    }

    private void OnInitJoinAck(ClusterEnvelope envelope, long nowMs)
    {
        if (Phase != ClusterPhase.Probing)
        {
            return;
        }

        // A cluster exists: the first seed may not form one before it has been silent for
        // seed-node-timeout. If that cluster dies before this join completes (refused while an old
        // incarnation is removed, or the contacted member crashed), the first seed forms a new one
        // once most other seeds say they are not in a cluster, rather than probing forever for a
        // seed that may be gone for good.
        Phase = ClusterPhase.Joining;
        HeardFromCluster(nowMs);
        _joinDeadlineMs = nowMs + _config.JoinRetryIntervalMs;
        var me = Member.Create(_self.Node, _self.Address, _self.Roles, _self.StartupTimeMs);
        SendTo(envelope.FromAddress, envelope.From, new Join(me));
    }

    private void OnInitJoinNack(ClusterEnvelope envelope, long nowMs)
    {
        if (Phase != ClusterPhase.Probing)
        {
            return;
        }

        // Every other seed saying "not in a cluster" in one round means there is no cluster among
        // the seeds (any more): the first seed forms one, even if a cluster answered earlier and died.
        _nacks.Add(envelope.FromAddress);
        _nacksSinceClusterAnswer.Add(envelope.FromAddress);
        if (IsFirstSeed && OtherSeeds.All(_nacks.Contains))
        {
            FormCluster(nowMs, "every other seed node answered that it is not in a cluster");
        }
    }

    private void OnJoin(ClusterEnvelope envelope, Join join, long nowMs)
    {
        var joiner = join.Member;
        if (joiner.Node != envelope.From)
        {
            _out.Notice(ClusterNotice.Warning("Join from {PeerId} describes another node {NodeId}; ignored", envelope.From, joiner.Node));
            return;
        }

        if (Phase != ClusterPhase.Member || _gossip.MemberOf(_self.Node) is not { Status: <= MemberStatus.Leaving })
        {
            SendTo(envelope.FromAddress, envelope.From, new JoinRefused("the contacted node is not a member"));
            return;
        }

        if (_gossip.IsTombstoned(joiner.Node))
        {
            SendTo(envelope.FromAddress, envelope.From, new Excluded(MemberStatus.Removed, "this incarnation was removed from the cluster; restart the node to join as a new incarnation"));
            return;
        }

        if (_gossip.MemberOf(joiner.Node) is not null)
        {
            SendTo(envelope.FromAddress, envelope.From, new Welcome(_gossip));
            return;
        }

        if (_gossip.MemberById(joiner.Id) is { } previous)
        {
            if (previous.Status < MemberStatus.Down)
            {
                if (MayDownRestarted(previous, nowMs, out var why))
                {
                    ChangeGossip(members: _gossip.Members.SetItem(previous.Node, previous.WithStatus(MemberStatus.Down)));
                    _out.Notice(ClusterNotice.Info("Member {PeerId} is downed: its node restarted as incarnation {NodeId}", previous.Node, joiner.Node));
                }
                else
                {
                    _out.Notice(ClusterNotice.Info("Member {PeerId} restarted as incarnation {NodeId}; not downed at once: {Reason}", previous.Node, joiner.Node, why));
                }
            }

            SendTo(envelope.FromAddress, envelope.From, new JoinRefused($"the previous incarnation {previous.Node} is being removed; retrying"));
            return;
        }

        var member = new Member(joiner.Node, joiner.Address, MemberStatus.Joining, joiner.Roles, joiner.StartupTimeMs, 0);
        ChangeGossip(members: _gossip.Members.Add(member.Node, member));
        SendTo(envelope.FromAddress, envelope.From, new Welcome(_gossip));
        _out.Notice(ClusterNotice.Info("Node {PeerId} at {Address} is joining", member.Node, member.Address));
    }

    private void OnWelcome(ClusterEnvelope envelope, Welcome welcome)
    {
        if (Phase is not (ClusterPhase.Probing or ClusterPhase.Joining) || !welcome.Gossip.Members.ContainsKey(_self.Node))
        {
            return;
        }

        Phase = ClusterPhase.Member;
        _joinDeadlineMs = null;
        _watchingSinceMs = _lastStepMs;
        SetGossip(Gossip.Empty.Merge(welcome.Gossip, _self.Node));
        _pushPending = true;
        _out.Notice(ClusterNotice.Info("Node {NodeId} joined the cluster through {PeerId}", _self.Node, envelope.From));
    }

    private void OnJoinRefused(ClusterEnvelope envelope, JoinRefused refused, long nowMs)
    {
        if (Phase == ClusterPhase.Joining)
        {
            Phase = ClusterPhase.Probing;
            HeardFromCluster(nowMs);
            _joinDeadlineMs = nowMs + _config.JoinRetryIntervalMs;
            _out.Notice(ClusterNotice.Info("Join refused by {PeerId}: {Reason}", envelope.From, refused.Reason));
        }
    }

}

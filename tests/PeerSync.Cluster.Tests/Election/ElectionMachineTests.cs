using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;
using static PeerSync.Cluster.Tests.TestNodes;

namespace PeerSync.Cluster.Tests.Election;

public sealed class ElectionMachineTests
{
    private static readonly ClusterConfig Config = ClusterConfig.Default("10.0.0.1:4053");

    private sealed class Effects : IElectionEffects
    {
        public List<(UniqueNode To, ClusterMessage Message)> Sent { get; } = [];
        public List<string> Singleton { get; } = [];
        public Epoch MaxEpoch { get; private set; }
        public (Epoch, UniqueNode)? Leader { get; private set; }

        public void Send(UniqueNode to, ClusterMessage message) => Sent.Add((to, message));

        public void SingletonRun(Epoch epoch) => Singleton.Add("run " + epoch);

        public void SingletonStop(Epoch epoch, string reason) => Singleton.Add("stop " + epoch);

        public void RecordEpoch(Epoch epoch) => MaxEpoch = Epoch.Max(MaxEpoch, epoch);

        public void RecordLeader(Epoch epoch, UniqueNode leader) => Leader = (epoch, leader);

        public void HeartbeatNow()
        {
        }

        public void Notice(ClusterNotice notice)
        {
        }
    }

    private static Gossip Three => GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3));

    private static (ElectionMachine Machine, Effects Effects) Machine(string self)
    {
        var effects = new Effects();
        return (new ElectionMachine(Config, Node(self), new DeterministicRandom(1), effects), effects);
    }

    private static ElectionContext Context(Gossip gossip, string self) => new(gossip.View(), gossip.MemberOf(Node(self)));

    private static VoteRequest Request(Gossip gossip, long epoch, long sentAt = 0, long predecessor = 0, bool resigned = false) =>
        new(new Epoch(epoch), sentAt, gossip.View().VotingSetDigest, new Epoch(predecessor), resigned);

    [Fact]
    public void Rightful_candidate_runs_and_wins_with_a_majority_then_acts_once_a_majority_acknowledges()
    {
        var (n1, fx) = Machine("n1");
        n1.Evaluate(0, Context(Three, "n1"));
        Assert.Equal(ElectionRole.Candidate, n1.Role);
        Assert.Equal(2, fx.Sent.Count(s => s.Message is VoteRequest));
        var request = (VoteRequest)fx.Sent[0].Message;

        n1.OnVoteResponse(Node("n2"), new VoteResponse(request.Epoch, request.SentAtMs, true, request.Epoch, "", 0), 5, Context(Three, "n1"));
        Assert.Equal(ElectionRole.Leader, n1.Role);
        Assert.False(n1.Acting);
        Assert.Equal((request.Epoch, Node("n1")), fx.Leader);

        n1.OnHeartbeatAck(Node("n2"), new HeartbeatAck(1, 10, request.Epoch, true, request.Epoch), 12, Context(Three, "n1"));
        Assert.True(n1.Acting);
        Assert.Equal(["run " + request.Epoch], fx.Singleton);
        Assert.Equal(10 + Config.LeaseMs, n1.LeaseExpiryMs);
    }

    [Fact]
    public void Non_rightful_member_does_not_run()
    {
        var (n2, fx) = Machine("n2");
        n2.Evaluate(0, Context(Three, "n2"));
        Assert.Equal(ElectionRole.Follower, n2.Role);
        Assert.Empty(fx.Sent);
    }

    [Fact]
    public void Voter_grants_at_most_one_vote_per_epoch()
    {
        var (n3, _) = Machine("n3");
        Assert.True(n3.OnVoteRequest(Node("n1"), Request(Three, 1), 0, Context(Three, "n3")).Granted);
        Assert.True(n3.OnVoteRequest(Node("n1"), Request(Three, 1), 1, Context(Three, "n3")).Granted);
        var other = n3.OnVoteRequest(Node("n2"), Request(Three, 1), 2, Context(Three, "n3"));
        Assert.False(other.Granted);
        Assert.Contains("already promised", other.Refusal, StringComparison.Ordinal);
        Assert.True(n3.OnVoteRequest(Node("n1"), Request(Three, 2), 3, Context(Three, "n3")).Granted);
        Assert.False(n3.OnVoteRequest(Node("n1"), Request(Three, 1), 4, Context(Three, "n3")).Granted);
    }

    [Fact]
    public void Voter_refuses_a_candidate_that_is_not_rightful_in_its_view_or_holds_another_voting_set()
    {
        var (n3, _) = Machine("n3");
        var notRightful = n3.OnVoteRequest(Node("n2"), Request(Three, 1), 0, Context(Three, "n3"));
        Assert.False(notRightful.Granted);
        Assert.Contains("rightful leader here is n1", notRightful.Refusal, StringComparison.Ordinal);

        var otherSet = Request(GossipOf(Member("n1", startupMs: 1), Member("n2")), 1);
        Assert.Contains("voting sets differ", n3.OnVoteRequest(Node("n1"), otherSet, 0, Context(Three, "n3")).Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Voter_that_acknowledged_a_leader_waits_lease_plus_margin_unless_the_leader_resigned()
    {
        // n1 led and was acknowledged at t=0; n1 is now cut off, so n2 is rightful.
        var (n3, _) = Machine("n3");
        Assert.NotNull(n3.OnHeartbeat(Node("n1"), new Heartbeat(1, 0, new Epoch(1), Epoch.None), 0, Context(Three, "n3")));
        var cut = Three.WithUnreachable("n2", "n1").WithUnreachable("n3", "n1");
        var early = n3.OnVoteRequest(Node("n2"), Request(cut, 2), Config.VoterWaitMs, Context(cut, "n3"));
        Assert.False(early.Granted);
        Assert.True(early.RetryAfterMs > 0);
        Assert.True(n3.OnVoteRequest(Node("n2"), Request(cut, 2), Config.VoterWaitMs + 1, Context(cut, "n3")).Granted);

        var (n3b, _) = Machine("n3");
        n3b.OnHeartbeat(Node("n1"), new Heartbeat(1, 0, new Epoch(1), Epoch.None), 0, Context(Three, "n3"));
        Assert.True(n3b.OnVoteRequest(Node("n2"), Request(cut, 2, predecessor: 1, resigned: true), 10, Context(cut, "n3")).Granted);
    }

    [Fact]
    public void Lease_acknowledgement_is_refused_to_a_leader_of_an_older_epoch()
    {
        var (n3, _) = Machine("n3");
        n3.OnVoteRequest(Node("n1"), Request(Three, 5), 0, Context(Three, "n3"));
        var ack = n3.OnHeartbeat(Node("n2"), new Heartbeat(1, 0, new Epoch(4), Epoch.None), 1, Context(Three, "n3"));
        Assert.NotNull(ack);
        Assert.False(ack.LeaseGranted);
        Assert.Equal(new Epoch(5), ack.PromisedEpoch);
    }

    [Fact]
    public void Leader_steps_down_when_its_lease_lapses_and_resigns_after_the_singleton_stopped()
    {
        var (n1, fx) = Machine("n1");
        n1.Evaluate(0, Context(Three, "n1"));
        var request = (VoteRequest)fx.Sent[0].Message;
        n1.OnVoteResponse(Node("n2"), new VoteResponse(request.Epoch, 0, true, request.Epoch, "", 0), 1, Context(Three, "n1"));
        n1.OnHeartbeatAck(Node("n2"), new HeartbeatAck(1, 1, request.Epoch, true, request.Epoch), 2, Context(Three, "n1"));
        Assert.True(n1.Acting);

        n1.Evaluate(1 + Config.LeaseMs, Context(Three, "n1"));
        Assert.Equal(ElectionRole.SteppingDown, n1.Role);
        Assert.False(n1.Acting);
        Assert.Equal("stop " + request.Epoch, fx.Singleton[^1]);
        Assert.Equal(Epoch.None, n1.ResignedEpoch);
        n1.OnSingletonStopped(1 + Config.LeaseMs + 5);
        Assert.Equal(ElectionRole.Follower, n1.Role);
        Assert.Equal(request.Epoch, n1.ResignedEpoch);
    }

    [Fact]
    public void Leader_that_sees_an_older_member_hands_over_to_it()
    {
        var (n2, fx) = Machine("n2");
        var withoutN1 = GossipOf(Member("n2", startupMs: 2), Member("n3", startupMs: 3));
        n2.Evaluate(0, Context(withoutN1, "n2"));
        var request = (VoteRequest)fx.Sent[0].Message;
        n2.OnVoteResponse(Node("n3"), new VoteResponse(request.Epoch, 0, true, request.Epoch, "", 0), 1, Context(withoutN1, "n2"));
        n2.OnHeartbeatAck(Node("n3"), new HeartbeatAck(1, 1, request.Epoch, true, request.Epoch), 2, Context(withoutN1, "n2"));
        Assert.True(n2.Acting);

        var olderJoined = GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2), Member("n3", startupMs: 3));
        n2.Evaluate(10, Context(olderJoined, "n2"));
        Assert.Equal(ElectionRole.SteppingDown, n2.Role);
        n2.OnSingletonStopped(20);
        Assert.Contains(fx.Sent, s => s.To == Node("n1") && s.Message is HandOver h && h.Epoch == request.Epoch);
    }

    [Fact]
    public void Two_leaders_in_one_epoch_is_an_invariant_violation()
    {
        var single = GossipOf(Member("n1", startupMs: 1));
        var (n1, _) = Machine("n1");
        n1.Evaluate(0, Context(single, "n1"));
        Assert.Equal(ElectionRole.Leader, n1.Role);
        var withN2 = GossipOf(Member("n1", startupMs: 1), Member("n2", startupMs: 2));
        Assert.Throws<ClusterInvariantException>(() =>
            n1.OnHeartbeat(Node("n2"), new Heartbeat(1, 0, n1.LeaderEpoch, Epoch.None), 1, Context(withN2, "n1")));
    }

    [Fact]
    public void Follower_reports_the_leader_it_acknowledged_until_it_falls_silent()
    {
        var (n3, _) = Machine("n3");
        n3.OnHeartbeat(Node("n1"), new Heartbeat(1, 0, new Epoch(7), Epoch.None), 100, Context(Three, "n3"));
        Assert.Equal((Node("n1"), new Epoch(7)), n3.CurrentLeader(200));
        Assert.Equal((null, Epoch.None), n3.CurrentLeader(100 + Config.VoterWaitMs + 1));
        n3.OnHeartbeat(Node("n1"), new Heartbeat(2, 0, Epoch.None, new Epoch(7)), 300, Context(Three, "n3"));
        Assert.Equal((null, Epoch.None), n3.CurrentLeader(301));
    }

    /// <summary>
    /// The coordinator asks before shrinking the voting set (election.md, "Voting set"): an acting
    /// leader lets a member go only while a majority of the set without it acknowledged the lease.
    /// </summary>
    [Fact]
    public void MayRemoveFromVotingSet_allows_a_removal_only_when_the_lease_survives_without_the_member()
    {
        var (n1, fx) = Machine("n1");
        n1.Evaluate(0, Context(Three, "n1"));
        Assert.False(n1.MayRemoveFromVotingSet(Node("n2"), 0, Three.View()));
        Assert.True(n1.MayRemoveFromVotingSet(Node("n9"), 0, Three.View()));
        var request = (VoteRequest)fx.Sent[0].Message;
        n1.OnVoteResponse(Node("n2"), new VoteResponse(request.Epoch, 0, true, request.Epoch, "", 0), 1, Context(Three, "n1"));
        Assert.False(n1.Acting);
        Assert.False(n1.MayRemoveFromVotingSet(Node("n3"), 1, Three.View()));

        n1.OnHeartbeatAck(Node("n2"), new HeartbeatAck(1, 1, request.Epoch, true, request.Epoch), 2, Context(Three, "n1"));
        Assert.True(n1.Acting);
        Assert.False(n1.MayRemoveFromVotingSet(Node("n2"), 3, Three.View()));
        Assert.True(n1.MayRemoveFromVotingSet(Node("n3"), 3, Three.View()));

        n1.OnHeartbeatAck(Node("n3"), new HeartbeatAck(1, 1, request.Epoch, true, request.Epoch), 4, Context(Three, "n1"));
        Assert.True(n1.MayRemoveFromVotingSet(Node("n2"), 5, Three.View()));
        Assert.False(n1.MayRemoveFromVotingSet(Node("n2"), 1 + Config.LeaseMs, Three.View()));
    }

    [Fact]
    public void MayRemoveFromVotingSet_is_always_true_on_a_follower()
    {
        var (n3, _) = Machine("n3");
        n3.OnHeartbeat(Node("n1"), new Heartbeat(1, 0, new Epoch(1), Epoch.None), 0, Context(Three, "n3"));
        Assert.True(n3.MayRemoveFromVotingSet(Node("n1"), 1, Three.View()));
        Assert.True(n3.MayRemoveFromVotingSet(Node("n2"), 1, Three.View()));
    }
}

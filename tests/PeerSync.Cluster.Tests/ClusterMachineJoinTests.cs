using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using static PeerSync.Cluster.Tests.TestNodes;

namespace PeerSync.Cluster.Tests;

/// <summary>Join edge cases found by the whole-cluster simulation (swarm seeds 314 and 249).</summary>
public sealed class ClusterMachineJoinTests
{
    private static Gossip WithElection(Gossip gossip, ElectionRecord election) =>
        new(gossip.Members, gossip.Reachability, gossip.Tombstones, election, gossip.Seen);

    [Fact]
    public void Joiner_never_removes_members_promotes_itself_or_leads_when_its_view_is_stale()
    {
        // Swarm seed 314: n2#2 joins through n3#1 as a partition cuts off n1#1; n3#1 downs itself,
        // n1#1 goes on alone and leads epoch 11, which n2#2 never hears of. When n1 restarts and asks
        // n2#2 to join, n2#2 downs n1#1; with only itself left alive in its view it must not remove
        // the others, move itself Up and win epoch 11 with its own single vote.
        var self = Node("n2", 2);
        var machine = new ClusterMachine(ThreeSeeds, new ClusterSelf(self, AddressOf("n2"), [], 50), seed: 1);
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        Drain(machine);
        machine.Step(new ClusterInput.MessageReceived(From(Node("n3"), new InitJoinAck())), 10);
        Assert.Contains(Drain(machine).Messages, m => m.Message is Join);

        var election = ElectionRecord.None.WithMaxEpoch(new Epoch(10)).WithLeader(new Epoch(3), Node("n1"));
        var joined = WithElection(GossipOf(Member("n1"), Member("n3", startupMs: 10), Member("n2", MemberStatus.Joining, startupMs: 50, incarnation: 2)), election);
        machine.Step(new ClusterInput.MessageReceived(From(Node("n3"), new Welcome(joined))), 20);
        Drain(machine);
        Assert.Equal(ClusterPhase.Member, machine.Phase);
        var n3Downed = WithElection(GossipOf(Member("n1"), Member("n3", MemberStatus.Down, startupMs: 10), Member("n2", MemberStatus.Joining, startupMs: 50, incarnation: 2)), election);
        machine.Step(new ClusterInput.MessageReceived(From(Node("n3"), new GossipMessage(n3Downed))), 30);
        Drain(machine);

        machine.Step(new ClusterInput.MessageReceived(From(Node("n1", 2), new Join(Member("n1", MemberStatus.Joining, startupMs: 90, incarnation: 2)))), 40);
        var readies = new List<ClusterReady> { Drain(machine) };
        // A Joining node counts for no side, so n1#2's restart does not let it down n1#1 at once
        // (seed 6785: only the downing strategy decides who survives); it refuses the join.
        Assert.Equal(MemberStatus.Up, machine.Gossip.MemberOf(Node("n1"))?.Status);
        Assert.Contains(readies[0].Messages, m => m.Message is JoinRefused);
        while (machine.Phase == ClusterPhase.Member && machine.NextWakeMs <= 60_000)
        {
            machine.Step(new ClusterInput.Tick(), machine.NextWakeMs);
            readies.Add(Drain(machine));
            Assert.Equal(MemberStatus.Joining, machine.Gossip.MemberOf(self)?.Status);
            Assert.NotNull(machine.Gossip.MemberOf(Node("n1")));
            Assert.NotNull(machine.Gossip.MemberOf(Node("n3")));
        }

        Assert.DoesNotContain(readies.SelectMany(r => r.Singleton), c => c is SingletonCommand.Run);
        Assert.DoesNotContain(readies.SelectMany(r => r.Events), e => e is ClusterEvent.MemberUp or ClusterEvent.MemberRemoved or ClusterEvent.LeaderChanged { Leader: not null });
        Assert.Equal(Epoch.None, machine.Election!.PromisedEpoch);

        // Stranded, it gives up and joins afresh as a new incarnation instead.
        Assert.Equal(ClusterPhase.Stopped, machine.Phase);
        Assert.StartsWith("could not finish joining", machine.StopReason, StringComparison.Ordinal);
    }

    private static readonly ClusterConfig FourSeeds = ClusterConfig.Default("10.0.0.1:4053", "10.0.0.2:4053", "10.0.0.3:4053", "10.0.0.4:4053");

    /// <summary>n1#2 is acknowledged by n3, then refused while n1#1 is removed; returns the machine, probing again.</summary>
    private static ClusterMachine RefusedFirstSeed()
    {
        var machine = new ClusterMachine(FourSeeds, new ClusterSelf(Node("n1", 2), AddressOf("n1"), [], 0), seed: 1);
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        Drain(machine);
        machine.Step(new ClusterInput.MessageReceived(From(Node("n3"), new InitJoinAck())), 10);
        Drain(machine);
        machine.Step(new ClusterInput.MessageReceived(From(Node("n3"), new JoinRefused("the previous incarnation n1#1 is being removed; retrying"))), 20);
        Drain(machine);
        Assert.Equal(ClusterPhase.Probing, machine.Phase);
        return machine;
    }

    /// <summary>Ticks at each wake-up until <paramref name="untilMs"/>, answering each InitJoin round with a nack from <paramref name="nacking"/>.</summary>
    private static List<ClusterNotice> RunProbing(ClusterMachine machine, long untilMs, params string[] nacking)
    {
        var notices = new List<ClusterNotice>();
        while (machine.Phase == ClusterPhase.Probing && machine.NextWakeMs <= untilMs)
        {
            var now = machine.NextWakeMs;
            machine.Step(new ClusterInput.Tick(), now);
            var ready = Drain(machine);
            notices.AddRange(ready.Notices);
            foreach (var id in nacking.Where(id => ready.Messages.Any(m => m.Message is InitJoin && m.To == AddressOf(id))))
            {
                machine.Step(new ClusterInput.MessageReceived(From(Node(id, 2), new InitJoinNack())), now + 5);
                notices.AddRange(Drain(machine).Notices);
            }
        }

        return notices;
    }

    [Fact]
    public void First_seed_forms_a_new_cluster_when_the_cluster_that_acknowledged_it_died_and_most_seeds_say_no()
    {
        // Swarm seed 249: n1 restarts, n3 acknowledges, the join is refused while n1#1 is removed;
        // then n3 and n4 crash and restart (they probe and answer "not in a cluster"), and n2 is
        // gone for good (silent). Nobody else may form a cluster, so n1 must.
        var machine = RefusedFirstSeed();
        var notices = RunProbing(machine, 30_000, "n3", "n4");
        Assert.Equal(ClusterPhase.Member, machine.Phase);
        Assert.Equal(MemberStatus.Up, machine.Gossip.MemberOf(Node("n1", 2))?.Status);
        var formed = Assert.Single(notices, n => n.Template.StartsWith("Node {NodeId} forms a new cluster", StringComparison.Ordinal));
        Assert.Contains("majority of the other seed nodes", formed.Render(), StringComparison.Ordinal);
        Assert.True(machine.Gossip.Members.Values.Single().UpNumber > 0);
        Assert.True(machine.NextWakeMs >= 20 + FourSeeds.SeedNodeTimeoutMs);
    }

    [Fact]
    public void First_seed_never_forms_a_cluster_when_the_cluster_that_acknowledged_it_falls_silent()
    {
        // Swarm seed 201: right after the refusal a partition cuts n1 off from every seed. Silence is
        // what a partition looks like too, so n1 keeps probing instead of forming a second cluster.
        var machine = RefusedFirstSeed();
        RunProbing(machine, 60_000);
        Assert.Equal(ClusterPhase.Probing, machine.Phase);

        // One seed saying no is not a majority of the three others either.
        machine = RefusedFirstSeed();
        RunProbing(machine, 60_000, "n4");
        Assert.Equal(ClusterPhase.Probing, machine.Phase);
    }

    [Fact]
    public void First_seed_that_never_heard_from_a_cluster_forms_one_on_a_deadline_and_is_up_at_once()
    {
        var machine = new ClusterMachine(FourSeeds, new ClusterSelf(Node("n1"), AddressOf("n1"), [], 0), seed: 1);
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        Drain(machine);
        var notices = RunProbing(machine, 30_000);
        Assert.Equal(ClusterPhase.Member, machine.Phase);
        Assert.Contains(notices, n => n.Render().Contains("no other seed node answered within the seed-node timeout", StringComparison.Ordinal));
        Assert.Equal(MemberStatus.Up, machine.Gossip.MemberOf(Node("n1"))?.Status);
        Assert.Equal(Node("n1"), machine.CurrentState.Leader);
    }

    [Fact]
    public void First_seed_never_forms_a_cluster_while_a_cluster_keeps_answering_it()
    {
        // The other side of the rule: as long as a member keeps acknowledging (and refusing while an
        // old incarnation is removed), the first seed never forms a second cluster.
        var machine = new ClusterMachine(ThreeSeeds, new ClusterSelf(Node("n1", 2), AddressOf("n1"), [], 0), seed: 1);
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        var ready = Drain(machine);
        for (var steps = 0; steps < 500 && machine.NextWakeMs <= 60_000; steps++)
        {
            var now = machine.NextWakeMs;
            if (ready.Messages.Any(m => m.Message is InitJoin && m.To == AddressOf("n3")))
            {
                machine.Step(new ClusterInput.MessageReceived(From(Node("n3"), new InitJoinAck())), now);
                ready = Drain(machine);
            }

            if (ready.Messages.Any(m => m.Message is Join))
            {
                machine.Step(new ClusterInput.MessageReceived(From(Node("n3"), new JoinRefused("the previous incarnation n1#1 is being removed; retrying"))), now);
                ready = Drain(machine);
            }

            Assert.NotEqual(ClusterPhase.Member, machine.Phase);
            machine.Step(new ClusterInput.Tick(), Math.Max(now, machine.NextWakeMs));
            ready = Drain(machine);
        }

        Assert.NotEqual(ClusterPhase.Member, machine.Phase);
    }

    [Fact]
    public void Stranded_joiner_that_leaves_gets_a_downing_verdict_once_it_counts_for_a_side()
    {
        // Seed 663: n3 joined while n1#1 (the only Up member) was already silent. Joining, it counts
        // for no side, so the verdict on the stable set {n1#1} was "nothing"; told to leave, it is
        // Leaving and counts, and must be judged again (before the fix it stayed Leaving for good).
        var machine = new ClusterMachine(ThreeSeeds, new ClusterSelf(Node("n3"), AddressOf("n3"), [], 50), seed: 1);
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        Drain(machine);
        machine.Step(new ClusterInput.MessageReceived(From(Node("n1"), new InitJoinAck())), 10);
        Drain(machine);
        machine.Step(new ClusterInput.MessageReceived(From(Node("n1"), new Welcome(GossipOf(Member("n1"), Member("n3", MemberStatus.Joining, startupMs: 50))))), 20);
        Drain(machine);

        var left = false;
        while (machine.Phase == ClusterPhase.Member && machine.NextWakeMs <= 60_000)
        {
            var now = machine.NextWakeMs;
            if (!left && now >= 9_000)
            {
                machine.Step(new ClusterInput.Leave(null), now);
                left = true;
            }
            else
            {
                machine.Step(new ClusterInput.Tick(), now);
            }

            Drain(machine);
        }

        Assert.True(left);
        Assert.Equal(ClusterPhase.Stopped, machine.Phase);
        Assert.StartsWith("downed itself: keep-majority", machine.StopReason, StringComparison.Ordinal);
    }
}

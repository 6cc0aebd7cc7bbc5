using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;
using static PeerSync.Cluster.Tests.TestNodes;

namespace PeerSync.Cluster.Tests;

public sealed class ClusterMachineTests
{
    private static readonly EndpointAddress Address1 = new("10.0.0.1", 4053);

    private static ClusterMachine Alone(ElectionMode mode = ElectionMode.Leader)
    {
        var config = ClusterConfig.Default("10.0.0.1:4053") with { ElectionMode = mode };
        return new ClusterMachine(config, new ClusterSelf(Node("n1"), Address1, [], 0), seed: 1);
    }

    [Fact]
    public void Only_seed_forms_a_cluster_becomes_up_and_leads_at_once()
    {
        var machine = Alone();
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        var ready = Drain(machine);
        Assert.Equal(ClusterPhase.Member, machine.Phase);
        Assert.Contains(ready.Events, e => e is ClusterEvent.MemberUp up && up.Member.Node == Node("n1"));
        Assert.Contains(ready.Events, e => e is ClusterEvent.LeaderChanged { Leader: { } l } && l == Node("n1"));
        Assert.Contains(ready.Singleton, c => c is SingletonCommand.Run);
        Assert.Equal(Node("n1"), machine.CurrentState.Leader);
        Assert.True(machine.NextWakeMs > 0 && machine.NextWakeMs <= 500);
    }

    [Fact]
    public void Leaderless_mode_has_no_leader_and_no_singleton()
    {
        var machine = Alone(ElectionMode.Leaderless);
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        var ready = Drain(machine);
        Assert.Null(machine.Election);
        Assert.Empty(ready.Singleton);
        Assert.DoesNotContain(ready.Events, e => e is ClusterEvent.LeaderChanged);
        Assert.Null(machine.CurrentState.Leader);
    }

    [Fact]
    public void Time_going_backwards_is_rejected_with_a_clear_message()
    {
        var machine = Alone();
        machine.Step(new ClusterInput.Tick(), 100);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => machine.Step(new ClusterInput.Tick(), 99));
        Assert.Contains("time went backwards from 100 ms to 99 ms", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ready_must_be_advanced_before_the_next_is_taken()
    {
        var machine = Alone();
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        var ready = machine.TakeReady();
        Assert.Throws<InvalidOperationException>(() => machine.TakeReady());
        Assert.Throws<InvalidOperationException>(() => machine.Advance(ready with { Sequence = 99 }));
        machine.Advance(ready);
    }

    [Fact]
    public void Leave_before_joining_stops_the_cluster_part_and_later_inputs_are_ignored()
    {
        var machine = Alone();
        machine.Step(new ClusterInput.Leave(null), 0);
        var ready = Drain(machine);
        Assert.Equal(ClusterPhase.Stopped, machine.Phase);
        Assert.Equal("left before joining a cluster", ready.Stop?.Reason);
        machine.Step(new ClusterInput.JoinSeedNodes(), 1);
        Assert.False(machine.HasReady);
    }

    [Fact]
    public void Operator_down_of_self_stops_with_the_reason()
    {
        var machine = Alone();
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        Drain(machine);
        machine.Step(new ClusterInput.Down(NodeId.Parse("n1")), 10);
        var ready = Drain(machine);
        Assert.Equal("downed by the operator", ready.Stop?.Reason);
        Assert.Contains(ready.Singleton, c => c is SingletonCommand.Stop);
    }

    [Fact]
    public void Gossip_from_a_node_of_another_cluster_is_ignored()
    {
        var machine = Alone();
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        Drain(machine);
        var foreign = GossipOf(Member("n7"), Member("n8"));
        machine.Step(new ClusterInput.MessageReceived(new ClusterEnvelope(Node("n7"), new EndpointAddress("10.0.0.7", 4053), new GossipMessage(foreign))), 5);
        var ready = Drain(machine);
        Assert.Single(machine.Gossip.Members);
        Assert.Contains(ready.Notices, n => n.Template.StartsWith("Ignored gossip", StringComparison.Ordinal));
    }

    [Fact]
    public void Removed_incarnation_that_asks_to_join_is_told_to_stop()
    {
        var machine = Alone();
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        Drain(machine);
        var n2 = new ClusterEnvelope(Node("n2"), new EndpointAddress("10.0.0.2", 4053), new Join(Member("n2", MemberStatus.Joining)));
        machine.Step(new ClusterInput.MessageReceived(n2), 10);
        Assert.Contains(Drain(machine).Messages, m => m.Message is Welcome);
        machine.Step(new ClusterInput.Down(NodeId.Parse("n2")), 20);
        Drain(machine);
        machine.Step(new ClusterInput.Tick(), 30);
        Drain(machine);
        Assert.True(machine.Gossip.IsTombstoned(Node("n2")));
        machine.Step(new ClusterInput.MessageReceived(n2), 40);
        Assert.Contains(Drain(machine).Messages, m => m.Message is Excluded { Status: MemberStatus.Removed });
    }

    [Fact]
    public void New_incarnation_replaces_the_old_one_which_is_downed_first()
    {
        var machine = Alone();
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        Drain(machine);
        var address = new EndpointAddress("10.0.0.2", 4053);
        machine.Step(new ClusterInput.MessageReceived(new ClusterEnvelope(Node("n2"), address, new Join(Member("n2", MemberStatus.Joining)))), 10);
        Drain(machine);
        machine.Step(new ClusterInput.MessageReceived(new ClusterEnvelope(Node("n2", 2), address, new Join(Member("n2", MemberStatus.Joining, startupMs: 50, incarnation: 2)))), 20);
        var ready = Drain(machine);
        Assert.Contains(ready.Messages, m => m.Message is JoinRefused);
        Assert.Contains(ready.Events, e => e is ClusterEvent.MemberDowned d && d.Member.Node == Node("n2"));
    }

    [Fact]
    public void Subscriber_snapshot_then_events_reproduce_the_state()
    {
        // What a late subscriber gets (snapshot) plus the events after it equals the final state.
        var machine = Alone();
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        Drain(machine);
        var snapshot = machine.CurrentState;
        machine.Step(new ClusterInput.MessageReceived(new ClusterEnvelope(Node("n2"), new EndpointAddress("10.0.0.2", 4053), new Join(Member("n2", MemberStatus.Joining)))), 10);
        var events = Drain(machine).Events;
        Assert.Equal([typeof(ClusterEvent.MemberJoined)], events.Select(e => e.GetType()).ToArray());
        Assert.Equal(events, ClusterStateSnapshot.Diff(snapshot, machine.CurrentState));
    }

    [Fact]
    public void First_seed_that_was_paused_while_probing_probes_again_instead_of_forming()
    {
        // n1 is the first of two seeds; nobody answers. Woken far past its seed-node timeout, it
        // must not form a cluster in that step (the other seed's answer may be queued behind it).
        var config = ClusterConfig.Default("10.0.0.1:4053", "10.0.0.2:4053");
        var machine = new ClusterMachine(config, new ClusterSelf(Node("n1"), Address1, [], 0), seed: 1);
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        Drain(machine);
        machine.Step(new ClusterInput.Tick(), 60_000);
        var ready = Drain(machine);
        Assert.Equal(ClusterPhase.Probing, machine.Phase);
        Assert.Contains(ready.Messages, m => m.Message is InitJoin);

        var second = new ClusterEnvelope(Node("n2"), new EndpointAddress("10.0.0.2", 4053), new InitJoinAck());
        machine.Step(new ClusterInput.MessageReceived(second), 60_010);
        Assert.Equal(ClusterPhase.Joining, machine.Phase);
        Assert.Contains(Drain(machine).Messages, m => m.Message is Join);
    }

    [Fact]
    public void First_seed_forms_the_cluster_after_the_seed_node_timeout_when_nobody_answers()
    {
        var config = ClusterConfig.Default("10.0.0.1:4053", "10.0.0.2:4053");
        var machine = new ClusterMachine(config, new ClusterSelf(Node("n1"), Address1, [], 0), seed: 1);
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        Drain(machine);
        while (machine.Phase == ClusterPhase.Probing)
        {
            Assert.True(machine.NextWakeMs <= config.SeedNodeTimeoutMs);
            machine.Step(new ClusterInput.Tick(), machine.NextWakeMs);
            Drain(machine);
        }

        Assert.Equal(ClusterPhase.Member, machine.Phase);
    }

    [Fact]
    public void Non_first_seed_never_forms_a_cluster_by_itself()
    {
        var config = ClusterConfig.Default("10.0.0.1:4053", "10.0.0.2:4053");
        var machine = new ClusterMachine(config, new ClusterSelf(Node("n2"), new EndpointAddress("10.0.0.2", 4053), [], 0), seed: 1);
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        for (var i = 0; i < 30; i++)
        {
            Drain(machine);
            machine.Step(new ClusterInput.Tick(), machine.NextWakeMs);
        }

        Assert.Equal(ClusterPhase.Probing, machine.Phase);
    }
}

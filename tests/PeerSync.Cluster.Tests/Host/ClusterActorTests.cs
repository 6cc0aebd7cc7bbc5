using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Cluster.Host;
using PeerSync.Cluster.Host.Wire;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Cluster.Tests.Host.Support;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.PeerState;
using Xunit.Abstractions;

namespace PeerSync.Cluster.Tests.Host;

/// <summary>The cluster actor hosting real machines, several nodes on one deterministic scheduler.</summary>
public sealed class ClusterActorTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void ClusterActor_forms_a_cluster_alone_and_leads_when_it_is_the_only_seed()
    {
        using var cluster = new DeterministicCluster(output, seedCount: 1);
        var n1 = cluster.Start(1);

        n1.Cluster.Join();
        cluster.RunUntil(() => n1.Cluster.IsLeader, Long, "n1 leads");

        Assert.True(n1.Cluster.WhenUp.IsCompletedSuccessfully);
        Assert.Equal(MemberStatus.Up, n1.Cluster.SelfMember!.Status);
        Assert.Equal(n1.Cluster.SelfNode, n1.Cluster.Leader);
        Assert.True(n1.Cluster.LeaderEpoch.Value > 0);
        Assert.Contains(cluster.Logs.Entries, e => e.Message.Contains("forms a new cluster", StringComparison.Ordinal)
            && Equals(e.Properties["NodeId"], n1.Cluster.SelfNode)
            && e.Properties["{OriginalFormat}"] is "Node {NodeId} forms a new cluster: {Reason}");
    }

    [Fact]
    public void ClusterActor_three_nodes_agree_on_members_and_leader_and_links_follow_membership()
    {
        using var cluster = new DeterministicCluster(output);
        var nodes = cluster.StartAndJoin(3);

        var took = cluster.RunUntil(() => cluster.AllUpWithOneLeader(nodes), Long, "three nodes Up with one leader");

        output.WriteLine($"formed in {took.TotalMilliseconds} ms of virtual time");
        Assert.Equal(nodes[0].Cluster.SelfNode, nodes[0].Cluster.Leader);
        foreach (var node in nodes)
        {
            var others = nodes.Where(n => n != node).Select(n => n.Address);
            Assert.All(others, a => Assert.Contains((node.Address, a), cluster.Network.Connects));
        }
    }

    [Fact]
    public void Subscribe_as_events_gives_the_current_state_first_then_each_change()
    {
        using var cluster = new DeterministicCluster(output, seedCount: 1);
        var n1 = cluster.Start(1);
        n1.Cluster.Join();
        cluster.RunUntil(() => n1.Cluster.IsLeader, Long, "n1 leads");
        var probe = n1.CreateProbe();

        n1.Cluster.Subscribe(probe.Ref, InitialStateMode.AsEvents);
        Assert.Equal(n1.Cluster.SelfNode, probe.ExpectMsg<ClusterEvent.MemberUp>().Member.Node);
        Assert.Equal(n1.Cluster.SelfNode, probe.ExpectMsg<ClusterEvent.LeaderChanged>().Leader);

        var n2 = cluster.Start(2);
        n2.Cluster.Join();
        Assert.Equal(n2.Cluster.SelfNode, probe.ExpectMsg<ClusterEvent.MemberJoined>(timeout: Long).Member.Node);
        Assert.Equal(n2.Cluster.SelfNode, probe.ExpectMsg<ClusterEvent.MemberUp>(timeout: Long).Member.Node);
    }

    [Fact]
    public void Subscribe_as_snapshot_gives_the_state_then_only_the_requested_events()
    {
        using var cluster = new DeterministicCluster(output, seedCount: 1);
        var n1 = cluster.Start(1);
        n1.Cluster.Join();
        cluster.RunUntil(() => n1.Cluster.IsLeader, Long, "n1 leads");
        var probe = n1.CreateProbe();

        n1.Cluster.Subscribe(probe.Ref, InitialStateMode.AsSnapshot, typeof(ClusterEvent.MemberUp));
        var snapshot = probe.ExpectMsg<ClusterStateSnapshot>();
        Assert.Equal(n1.Cluster.State, snapshot);

        var n2 = cluster.Start(2);
        n2.Cluster.Join();
        Assert.Equal(n2.Cluster.SelfNode, probe.ExpectMsg<ClusterEvent.MemberUp>(timeout: Long).Member.Node);
        probe.ExpectNoMsg(TimeSpan.FromSeconds(2));

        n1.Cluster.Unsubscribe(probe.Ref);
        n2.Cluster.Leave();
        cluster.RunUntil(() => n2.Cluster.IsStopped, Long, "n2 left");
        probe.ExpectNoMsg(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Member_events_are_published_on_the_event_stream_and_state_is_current_when_they_arrive()
    {
        using var cluster = new DeterministicCluster(output, seedCount: 1);
        var n1 = cluster.Start(1);
        var seen = new List<(ClusterEvent Event, ClusterStateSnapshot State)>();
        using var subscription = n1.System.EventStream.Subscribe<ClusterEvent>(e => seen.Add((e, n1.Cluster.State)));

        n1.Cluster.Join();
        cluster.RunUntil(() => n1.Cluster.IsLeader, Long, "n1 leads");

        var up = Assert.Single(seen, s => s.Event is ClusterEvent.MemberUp);
        Assert.Equal(MemberStatus.Up, up.State.MemberOf(n1.Cluster.SelfNode)!.Status);
        var leader = Assert.Single(seen, s => s.Event is ClusterEvent.LeaderChanged);
        Assert.Equal(n1.Cluster.SelfNode, leader.State.Leader);
    }

    [Fact]
    public void Crashed_follower_is_downed_removed_and_quarantined_and_the_leader_stays()
    {
        using var cluster = new DeterministicCluster(output);
        var nodes = cluster.StartAndJoin(3);
        cluster.RunUntil(() => cluster.AllUpWithOneLeader(nodes), Long, "formed");
        var leader = nodes[0].Cluster.Leader;
        var epoch = nodes[0].Cluster.LeaderEpoch;
        var victim = nodes[2];
        var probe = nodes[0].CreateProbe();
        nodes[0].Cluster.Subscribe(probe.Ref, InitialStateMode.AsSnapshot);
        probe.ExpectMsg<ClusterStateSnapshot>();

        cluster.Crash(victim);

        Assert.Equal(victim.Cluster.SelfNode, probe.ExpectMsg<ClusterEvent.UnreachableMember>(timeout: Long).Member.Node);
        Assert.Equal(victim.Cluster.SelfNode, probe.FishForMessage<ClusterEvent.MemberDowned>(_ => true, Long).Member.Node);
        Assert.Equal(victim.Cluster.SelfNode, probe.FishForMessage<ClusterEvent.MemberRemoved>(_ => true, Long).Member.Node);
        cluster.RunUntil(() => cluster.Network.Removed.Contains((nodes[1].Address, victim.Cluster.SelfNode)), Long, "n2 quarantines n3");
        Assert.Contains((nodes[0].Address, victim.Cluster.SelfNode), cluster.Network.Removed);
        Assert.Equal(leader, nodes[0].Cluster.Leader);
        Assert.Equal(epoch, nodes[0].Cluster.LeaderEpoch);
        Assert.Equal(leader, nodes[1].Cluster.Leader);
    }

    [Fact]
    public void A_message_meant_for_an_earlier_incarnation_is_dropped()
    {
        using var cluster = new DeterministicCluster(output, seedCount: 1);
        var n1 = cluster.Start(1);
        n1.Cluster.Join();
        cluster.RunUntil(() => n1.Cluster.IsLeader, Long, "n1 leads");
        var earlier = new UniqueNode(n1.Cluster.SelfNode.Id, new Incarnation(99));
        var stranger = new UniqueNode(NodeId.Parse("n9"), new Incarnation(1));
        var excluded = new ClusterEnvelope(stranger, DeterministicCluster.AddressOf(9), new Excluded(MemberStatus.Removed, "removed"));

        n1.Cluster.ActorRef.Tell(new ClusterDelivery(earlier, excluded), null);
        cluster.Run(TimeSpan.FromSeconds(1));

        Assert.False(n1.Cluster.IsStopped);
        Assert.Contains(cluster.Logs.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("meant for its earlier incarnation", StringComparison.Ordinal));
    }

    [Fact]
    public void QuarantinedByPeer_from_a_member_stops_the_cluster_part_as_downed()
    {
        using var cluster = new DeterministicCluster(output);
        var nodes = cluster.StartAndJoin(3);
        cluster.RunUntil(() => cluster.AllUpWithOneLeader(nodes), Long, "formed");
        var n3 = nodes[2];
        var probe = n3.CreateProbe();
        n3.System.EventStream.Subscribe<ClusterPartStopped>(probe.Ref);

        n3.System.EventStream.Publish(new QuarantinedByPeer(nodes[0].Cluster.SelfNode, "removed from the cluster"));

        var stopped = probe.ExpectMsg<ClusterPartStopped>();
        Assert.Equal(n3.Cluster.SelfNode, stopped.Node);
        Assert.Contains("was downed", stopped.Reason, StringComparison.Ordinal);
        Assert.Contains("quarantined this incarnation", stopped.Reason, StringComparison.Ordinal);
        Assert.True(n3.Cluster.WhenStopped.IsCompletedSuccessfully);
        Assert.Contains(cluster.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("stops", StringComparison.Ordinal) && e.Message.Contains("downed", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_leaders_in_one_epoch_is_logged_as_critical_and_stops_the_cluster_part()
    {
        using var cluster = new DeterministicCluster(output);
        var nodes = cluster.StartAndJoin(3);
        cluster.RunUntil(() => cluster.AllUpWithOneLeader(nodes), Long, "formed");
        var leader = nodes[0];
        var forged = new Heartbeat(999, 0, leader.Cluster.LeaderEpoch, PeerSync.Cluster.Election.Epoch.None);

        // A member claiming to lead the leader's own epoch is a protocol bug, never a condition to live with.
        leader.Cluster.ActorRef.Tell(new ClusterDelivery(leader.Cluster.SelfNode, new ClusterEnvelope(nodes[1].Cluster.SelfNode, nodes[1].Address, forged)), null);
        cluster.Scheduler.RunUntilIdle();

        Assert.True(leader.Cluster.IsStopped);
        Assert.Contains("invariant", leader.Cluster.StopReason, StringComparison.Ordinal);
        Assert.Contains(cluster.Logs.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains("two leaders in epoch", StringComparison.Ordinal));
        Assert.Null(leader.Cluster.Leader);
    }

    [Fact]
    public void A_failure_of_the_host_itself_stops_the_cluster_part_instead_of_restarting_the_machine()
    {
        using var cluster = new DeterministicCluster(output, seedCount: 2);
        var n1 = cluster.Start(1);
        cluster.Network.FailSends = new InvalidOperationException("socket exploded");

        n1.Cluster.Join();
        cluster.Scheduler.RunUntilIdle();

        Assert.True(n1.Cluster.IsStopped);
        Assert.Contains("socket exploded", n1.Cluster.StopReason, StringComparison.Ordinal);
        Assert.Contains(cluster.Logs.Entries, e => e.Level == LogLevel.Critical && e.Exception is InvalidOperationException);
        Assert.True(n1.Cluster.WhenUp.IsFaulted);
    }

    [Fact]
    public void Graceful_leave_removes_the_node_and_it_says_so_on_the_event_stream()
    {
        using var cluster = new DeterministicCluster(output);
        var nodes = cluster.StartAndJoin(3);
        cluster.RunUntil(() => cluster.AllUpWithOneLeader(nodes), Long, "formed");
        var n2 = nodes[1];
        var probe = n2.CreateProbe();
        n2.System.EventStream.Subscribe<ClusterPartStopped>(probe.Ref);

        n2.Cluster.Leave();

        var stopped = probe.ExpectMsg<ClusterPartStopped>(timeout: Long);
        output.WriteLine(stopped.Reason);
        Assert.Contains("removed", stopped.Reason, StringComparison.Ordinal);
        cluster.RunUntil(() => nodes[0].Cluster.State.MemberOf(n2.Cluster.SelfNode) is null && nodes[2].Cluster.State.MemberOf(n2.Cluster.SelfNode) is null, Long, "n2 removed everywhere");
        Assert.Equal(nodes[0].Cluster.SelfNode, nodes[2].Cluster.Leader);
    }

    [Fact]
    public void Join_with_other_seeds_before_the_first_join_uses_them()
    {
        using var cluster = new DeterministicCluster(output, seedCount: 3);
        var n1 = cluster.Start(1);

        // The configured seeds n1..n3 would make n1 wait for the others; alone as its own seed it forms at once.
        n1.Cluster.Join([n1.Address]);
        cluster.RunUntil(() => n1.Cluster.IsLeader, TimeSpan.FromSeconds(2), "n1 leads through its own seed list");
        Assert.DoesNotContain(cluster.Network.Connects, c => c.From == n1.Address);
    }

    [Fact]
    public void Cluster_api_refuses_bad_arguments_with_clear_messages()
    {
        using var cluster = new DeterministicCluster(output, seedCount: 1);
        var n1 = cluster.Start(1);

        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => n1.Cluster.Join([])).Message, StringComparison.Ordinal);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => n1.Cluster.Join([n1.Address, n1.Address])).Message, StringComparison.Ordinal);
        Assert.Contains("not a cluster event", Assert.Throws<ArgumentException>(() => n1.Cluster.Subscribe(n1.System.DeadLetters, InitialStateMode.AsEvents, typeof(string))).Message, StringComparison.Ordinal);
        Assert.Contains("invalid singleton name", Assert.Throws<ArgumentException>(() => n1.Cluster.RegisterSingleton("a/b", Props.Create(() => new Idle()))).Message, StringComparison.Ordinal);
        n1.Cluster.RegisterSingleton("s", Props.Create(() => new Idle()));
        Assert.Contains("registered already", Assert.Throws<ArgumentException>(() => n1.Cluster.RegisterSingleton("s", Props.Create(() => new Idle()))).Message, StringComparison.Ordinal);
        Assert.Contains("already has a cluster", Assert.Throws<InvalidOperationException>(() => Cluster.Host.Cluster.Start(n1.System, n1.Cluster.Settings)).Message, StringComparison.Ordinal);
        var bare = ActorSystem.Create("bare");
        Assert.Contains("has no cluster", Assert.Throws<InvalidOperationException>(() => Cluster.Host.Cluster.Get(bare)).Message, StringComparison.Ordinal);
        Assert.Contains("has no remoting", Assert.Throws<InvalidOperationException>(() => Cluster.Host.Cluster.Start(bare, new ClusterSettings { Config = n1.Cluster.Settings.Config })).Message, StringComparison.Ordinal);
        _ = bare.Terminate();
    }

    [Fact]
    public void Leaderless_mode_elects_nobody_and_refuses_singletons()
    {
        using var cluster = new DeterministicCluster(output);
        var nodes = cluster.StartAndJoin(3, c => c with { ElectionMode = PeerSync.Cluster.Election.ElectionMode.Leaderless });

        cluster.RunUntil(() => nodes.All(n => n.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 3), Long, "all Up");
        cluster.Run(TimeSpan.FromSeconds(5));

        Assert.All(nodes, n => Assert.Null(n.Cluster.Leader));
        Assert.Null(nodes[0].System.ResolveActorRef(ActorPath.Parse(nodes[0].System.Address + Cluster.Host.Cluster.SingletonManagerPath)));
        var error = Assert.Throws<InvalidOperationException>(() => nodes[0].Cluster.RegisterSingleton("s", Props.Create(() => new Idle())));
        Assert.Contains("leaderless", error.Message, StringComparison.Ordinal);
    }

    private sealed class Idle : ActorBase
    {
        protected override bool Receive(object message) => false;
    }
}

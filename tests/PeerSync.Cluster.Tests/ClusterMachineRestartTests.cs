using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;
using static PeerSync.Cluster.Tests.TestNodes;

namespace PeerSync.Cluster.Tests;

/// <summary>
/// A join from a new incarnation downs the old incarnation at once only when this node is sure to be
/// on the surviving side (seed 6785; docs/design/membership.md, "Join"). Otherwise the downing
/// strategy decides, and a node that may have been downed by the old incarnation downs itself.
/// </summary>
public sealed class ClusterMachineRestartTests
{
    /// <summary>n3#1, a member of {n2, n3} (n2 the older unless <paramref name="selfOldest"/>), heartbeated by n2#1 every 200 ms until <paramref name="untilMs"/>.</summary>
    private static ClusterMachine TwoMembers(bool selfOldest, long untilMs, Gossip? gossip = null)
    {
        var machine = new ClusterMachine(ThreeSeeds, new ClusterSelf(Node("n3"), AddressOf("n3"), [], selfOldest ? 0 : 10), seed: 1);
        machine.Step(new ClusterInput.JoinSeedNodes(), 0);
        Drain(machine);
        machine.Step(new ClusterInput.MessageReceived(From(Node("n2"), new InitJoinAck())), 5);
        Drain(machine);
        var state = gossip ?? GossipOf(Member("n2", startupMs: selfOldest ? 10 : 0), Member("n3", startupMs: selfOldest ? 0 : 10));
        machine.Step(new ClusterInput.MessageReceived(From(Node("n2"), new Welcome(state))), 10);
        Drain(machine);
        // Ticks as the host does (at NextWakeMs: a late step looks like a pause of this process).
        long nextBeatMs = 200;
        while (Math.Min(machine.NextWakeMs, nextBeatMs) <= untilMs)
        {
            if (machine.NextWakeMs < nextBeatMs)
            {
                machine.Step(new ClusterInput.Tick(), machine.NextWakeMs);
            }
            else
            {
                machine.Step(new ClusterInput.MessageReceived(From(Node("n2"), new Heartbeat(nextBeatMs, nextBeatMs, Epoch.None, Epoch.None))), nextBeatMs);
                nextBeatMs += 200;
            }

            Drain(machine);
        }

        return machine;
    }

    private static ClusterReady JoinOfN2Incarnation2(ClusterMachine machine, long nowMs)
    {
        machine.Step(new ClusterInput.MessageReceived(From(Node("n2", 2), new Join(Member("n2", MemberStatus.Joining, startupMs: 900, incarnation: 2)))), nowMs);
        return Drain(machine);
    }

    [Fact]
    public void Join_of_a_new_incarnation_leaves_the_old_one_to_the_strategy_when_the_old_one_kept_a_tie()
    {
        // n2#1 is the older of two: in a split it keeps the tie and downs n3. Its restart proves it
        // dead, not that n3 survived, so n3 refuses the join without downing n2#1.
        var machine = TwoMembers(selfOldest: false, untilMs: 4_000);
        var ready = JoinOfN2Incarnation2(machine, 4_100);

        Assert.Contains(ready.Messages, m => m.Message is JoinRefused);
        Assert.DoesNotContain(ready.Events, e => e is ClusterEvent.MemberDowned);
        Assert.Equal(MemberStatus.Up, machine.Gossip.MemberOf(Node("n2"))?.Status);
        Assert.Contains(ready.Notices, n => n.Template.Contains("not downed at once", StringComparison.Ordinal));
    }

    [Fact]
    public void Node_that_may_have_been_downed_by_a_restarted_member_downs_itself_and_never_leads()
    {
        // Seed 6785's shape: n2#1 falls silent and restarts; n3 must not remove it, form a voting set
        // of its own and run for an epoch n2#1 may already have used. It downs itself (strategy).
        var machine = TwoMembers(selfOldest: false, untilMs: 4_000);
        var readies = new List<ClusterReady>();
        long nextJoinMs = 4_100;
        while (machine.Phase == ClusterPhase.Member && Math.Min(machine.NextWakeMs, nextJoinMs) < 30_000)
        {
            if (machine.NextWakeMs < nextJoinMs)
            {
                machine.Step(new ClusterInput.Tick(), machine.NextWakeMs);
                readies.Add(Drain(machine));
            }
            else
            {
                readies.Add(JoinOfN2Incarnation2(machine, nextJoinMs));
                nextJoinMs += 1_000;
            }
        }

        Assert.Equal(ClusterPhase.Stopped, machine.Phase);
        Assert.StartsWith("downed itself: keep-majority", machine.StopReason, StringComparison.Ordinal);
        Assert.DoesNotContain(readies.SelectMany(r => r.Singleton), c => c is SingletonCommand.Run);
        Assert.DoesNotContain(readies.SelectMany(r => r.Events), e => e is ClusterEvent.MemberRemoved or ClusterEvent.LeaderChanged { Leader: not null });
    }

    [Fact]
    public void Join_of_a_new_incarnation_downs_the_old_one_at_once_when_this_side_keeps()
    {
        // n3 is the older: the strategy keeps its side against n2#1 whatever happened, so the old
        // incarnation is downed at once and the new one can join after its removal.
        var machine = TwoMembers(selfOldest: true, untilMs: 4_000);
        var ready = JoinOfN2Incarnation2(machine, 4_100);

        Assert.Contains(ready.Messages, m => m.Message is JoinRefused);
        Assert.Contains(ready.Events, e => e is ClusterEvent.MemberDowned d && d.Member.Node == Node("n2"));
    }

    [Fact]
    public void Join_of_a_new_incarnation_does_not_down_the_old_one_while_this_node_is_accused()
    {
        // n2#1's row accuses n3 (it may be about to down n3, or did): the view is not settled.
        var accused = GossipOf(Member("n2", startupMs: 10), Member("n3", startupMs: 0)).WithUnreachable("n2", "n3");
        var machine = TwoMembers(selfOldest: true, untilMs: 4_000, accused);
        var ready = JoinOfN2Incarnation2(machine, 4_100);

        Assert.DoesNotContain(ready.Events, e => e is ClusterEvent.MemberDowned);
        Assert.Contains(ready.Notices, n => n.Render().Contains("n3#0000000000000001 unreachable too", StringComparison.Ordinal));
    }

    [Fact]
    public void Join_of_a_new_incarnation_does_not_down_the_old_one_right_after_the_detectors_were_armed()
    {
        // Until the detectors have watched for a full acceptable pause, "reachable" only means "not
        // yet suspected" (e.g. just after a pause re-armed them).
        var machine = TwoMembers(selfOldest: true, untilMs: 0);
        var ready = JoinOfN2Incarnation2(machine, 20);

        Assert.DoesNotContain(ready.Events, e => e is ClusterEvent.MemberDowned);
        Assert.Contains(ready.Messages, m => m.Message is JoinRefused);
    }
}

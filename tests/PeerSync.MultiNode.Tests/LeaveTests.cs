using Google.Protobuf.WellKnownTypes;
using PeerSync.Cluster.Singleton;
using PeerSync.MultiNode.Tests.Support;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;

namespace PeerSync.MultiNode.Tests;

/// <summary>Graceful leave: the singleton moves without overlap.</summary>
public sealed class LeaveTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Graceful_leave_of_the_leader_hands_the_singleton_over_with_no_overlap_and_a_short_gap()
    {
        var journal = new SingletonJournal();
        await using var cluster = await MultiNodeCluster.StartAsync(3, new MultiNodeOptions { Components = n => [journal.Component(n.Id.Value)] }, output);
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitAsync(() => journal.Running.SequenceEqual(["n1"]), "the singleton runs on n1");
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);
        var proxy = n3.System.ActorOf(ClusterSingletonProxy.Props("seq"), "seq-proxy");
        var client = new PeerSync.TestKit.TestProbe(n3.System, cluster.KitSettings, "client");
        proxy.Tell(new StringValue { Value = "before" }, client.Ref);
        Assert.Equal("n1:before", client.ExpectMsg<StringValue>(timeout: TimeSpan.FromSeconds(10)).Value);
        var oldEpoch = n2.Cluster.LeaderEpoch;

        await cluster.StopAsync(n1);
        await cluster.AwaitAsync(() => journal.Running.SequenceEqual(["n2"]), "the singleton runs on n2");
        var newLeader = await cluster.AwaitLeaderAgreedAsync([n2, n3], otherThan: n1.SelfNode);

        // n2 starts the singleton exactly once: n1 leaves the voting set only once n2's lease holds
        // without it (election.md, "Voting set"), so its removal cannot restart the singleton. No
        // overlap either, which the journal checks throughout.
        var stopped = journal.Entries.Single(e => e.Node == "n1" && e.What == "stop").At;
        var started = journal.Entries.Single(e => e.Node == "n2" && e.What == "start").At;
        cluster.Note($"handover: n1's singleton stopped, n2's started {(started - stopped).TotalMilliseconds:0} ms later (goal < 2000 ms)");
        Assert.False(journal.Overlapped, journal.Describe());
        Assert.True(stopped <= started, journal.Describe());
        Assert.True(started - stopped < TimeSpan.FromSeconds(2), journal.Describe());
        Assert.Equal(n2.SelfNode, newLeader);
        Assert.True(n2.Cluster.LeaderEpoch > oldEpoch);
        await cluster.AwaitMembersUpAsync(2, [n2, n3]);
        proxy.Tell(new StringValue { Value = "after" }, client.Ref);
        Assert.Equal("n2:after", client.ExpectMsg<StringValue>(timeout: TimeSpan.FromSeconds(10)).Value);

        // n1 has been removed by now (two members Up): its removal did not stop n2's singleton.
        Assert.True(journal.Entries.Where(e => e.Node == "n2").Select(e => e.What).SequenceEqual(["start"]), journal.Describe());
        cluster.AssertAtMostOneLeaderPerEpoch();
    }
}

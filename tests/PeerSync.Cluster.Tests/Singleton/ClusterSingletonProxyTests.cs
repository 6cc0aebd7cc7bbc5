using PeerSync.Actors;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Singleton;
using PeerSync.Cluster.Tests.Host.Support;
using Xunit.Abstractions;

namespace PeerSync.Cluster.Tests.Singleton;

/// <summary>Singletons and proxies across real cluster actors on one deterministic scheduler.</summary>
public sealed class ClusterSingletonProxyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void Proxy_on_a_follower_reaches_the_singleton_on_the_leader_and_replies_come_back()
    {
        using var cluster = new DeterministicCluster(output);
        var journal = new SingletonJournal(cluster.Scheduler.Time);
        var nodes = StartWithSingleton(cluster, journal, 3);
        cluster.RunUntil(() => cluster.AllUpWithOneLeader(nodes) && journal.Running.Count == 1, Long, "formed with the singleton running");
        var follower = nodes[2];
        var proxy = follower.System.ActorOf(ClusterSingletonProxy.Props("seq"), "seq-proxy");
        var client = follower.CreateProbe();

        proxy.Tell("hello", client.Ref);

        Assert.Equal("n1:hello", client.ExpectMsg<string>(timeout: Long));
        Assert.Equal(["n1"], journal.Running);
    }

    [Fact]
    public void Graceful_leave_of_the_leader_hands_over_without_overlap_and_the_proxy_buffers_meanwhile()
    {
        using var cluster = new DeterministicCluster(output);
        var journal = new SingletonJournal(cluster.Scheduler.Time);
        var nodes = StartWithSingleton(cluster, journal, 3);
        cluster.RunUntil(() => cluster.AllUpWithOneLeader(nodes) && journal.Running.Count == 1, Long, "formed with the singleton running");
        var follower = nodes[2];
        var proxy = follower.System.ActorOf(ClusterSingletonProxy.Props("seq"), "seq-proxy");
        var client = follower.CreateProbe();
        proxy.Tell("before", client.Ref);
        Assert.Equal("n1:before", client.ExpectMsg<string>(timeout: Long));

        // One mailbox turn at a time, until the follower has stopped following n1: from then on its
        // proxy holds what it is told until the next singleton is located.
        var oldLeader = nodes[0].Cluster.SelfNode;
        nodes[0].Cluster.Leave();
        cluster.StepUntil(() => follower.Cluster.Leader != oldLeader, Long, "the follower stops following n1");
        proxy.Tell("during", client.Ref);
        cluster.RunUntil(() => journal.Running.SequenceEqual(["n2"]), Long, "n2 runs the singleton");

        Assert.Equal("n2:during", client.ExpectMsg<string>(timeout: Long));
        var stopped = journal.Entries.Single(e => e.Node == "n1" && e.What == "stop").At;
        var started = journal.Entries.Last(e => e.Node == "n2" && e.What == "start").At;
        output.WriteLine($"handover gap {(started - stopped).TotalMilliseconds} ms of virtual time");
        Assert.True(started >= stopped, "the new singleton started before the old one stopped");
        Assert.True(started - stopped < TimeSpan.FromSeconds(2), $"the handover gap was {started - stopped}");
        Assert.True(journal.NeverOverlapped, journal.Describe());
    }

    [Fact]
    public void A_crashed_leader_is_replaced_and_the_proxy_follows_the_new_singleton()
    {
        using var cluster = new DeterministicCluster(output);
        var journal = new SingletonJournal(cluster.Scheduler.Time);
        var nodes = StartWithSingleton(cluster, journal, 3);
        cluster.RunUntil(() => cluster.AllUpWithOneLeader(nodes) && journal.Running.Count == 1, Long, "formed with the singleton running");
        var proxy = nodes[2].System.ActorOf(ClusterSingletonProxy.Props("seq"), "seq-proxy");
        var client = nodes[2].CreateProbe();
        var oldEpoch = nodes[2].Cluster.LeaderEpoch;

        cluster.Crash(nodes[0]);
        journal.Forget("n1");
        cluster.RunUntil(() => nodes[2].Cluster.Leader == nodes[1].Cluster.SelfNode && journal.Running.SequenceEqual(["n2"]), Long, "n2 takes over");
        proxy.Tell("after", client.Ref);

        Assert.Equal("n2:after", client.ExpectMsg<string>(timeout: Long));
        Assert.True(nodes[2].Cluster.LeaderEpoch > oldEpoch);
    }

    [Fact]
    public void A_full_proxy_buffer_dead_letters_new_messages_with_the_reason_and_counts_them()
    {
        using var cluster = new DeterministicCluster(output);
        var n1 = cluster.Start(1);
        var letters = new List<DeadLetter>();
        using var subscription = n1.System.EventStream.Subscribe<DeadLetter>(letters.Add);
        var proxy = n1.System.ActorOf(ClusterSingletonProxy.Props("seq", bufferSize: 2), "seq-proxy");
        var probe = n1.CreateProbe();

        for (var i = 0; i < 5; i++)
        {
            proxy.Tell(i, probe.Ref);
        }

        proxy.Tell(GetSingletonProxyStats.Instance, probe.Ref);
        var stats = probe.ExpectMsg<SingletonProxyStats>();
        Assert.Equal(new SingletonProxyStats("seq", null, false, 2, 3), stats);
        Assert.Equal([2, 3, 4], letters.Select(d => (int)d.Message));
        Assert.All(letters, d => Assert.Contains("singleton proxy buffer full (2 messages)", d.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void A_proxy_dead_letters_what_it_buffered_when_its_cluster_part_stops()
    {
        using var cluster = new DeterministicCluster(output, seedCount: 2);
        var n1 = cluster.Start(1);
        var letters = new List<DeadLetter>();
        using var subscription = n1.System.EventStream.Subscribe<DeadLetter>(letters.Add);
        var proxy = n1.System.ActorOf(ClusterSingletonProxy.Props("seq"), "seq-proxy");
        proxy.Tell("waiting", null);
        n1.Cluster.Join();

        n1.Cluster.Leave();
        cluster.RunUntil(() => n1.Cluster.IsStopped, Long, "n1 stopped");

        Assert.Contains(letters, d => "waiting".Equals(d.Message) && d.Reason.Contains("cluster part of this node stopped", StringComparison.Ordinal));
    }

    private static IReadOnlyList<DeterministicNode> StartWithSingleton(DeterministicCluster cluster, SingletonJournal journal, int count)
    {
        var nodes = Enumerable.Range(1, count).Select(i => cluster.Start(i)).ToList();
        foreach (var node in nodes)
        {
            var label = node.Cluster.SelfNode.Id.Value;
            node.Cluster.RegisterSingleton("seq", Props.Create(() => new EchoSingleton(journal, label)));
            node.Cluster.Join();
        }

        return nodes;
    }

    /// <summary>Where singletons run, when each started and stopped (virtual time), shared by all nodes of a test.</summary>
    private sealed class SingletonJournal(TimeProvider time)
    {
        public List<(string Node, string What, DateTimeOffset At)> Entries { get; } = [];

        public List<string> Running { get; } = [];

        public bool NeverOverlapped { get; private set; } = true;

        public void Started(string node)
        {
            if (Running.Count > 0)
            {
                NeverOverlapped = false;
            }

            Running.Add(node);
            Entries.Add((node, "start", time.GetUtcNow()));
        }

        public void Stopped(string node)
        {
            Running.Remove(node);
            Entries.Add((node, "stop", time.GetUtcNow()));
        }

        /// <summary>A crashed node's singleton died with it.</summary>
        public void Forget(string node) => Running.Remove(node);

        public string Describe() => string.Join(", ", Entries.Select(e => $"{e.Node} {e.What} {e.At:HH:mm:ss.fff}"));
    }

    private sealed class EchoSingleton(SingletonJournal journal, string node) : ActorBase
    {
        protected override void PreStart() => journal.Started(node);

        protected override void PostStop() => journal.Stopped(node);

        protected override bool Receive(object message)
        {
            Sender.Tell($"{node}:{message}", Self);
            return true;
        }
    }
}

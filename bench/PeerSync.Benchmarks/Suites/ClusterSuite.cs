using System.Globalization;
using PeerSync.Benchmarks.Harness;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;
using PeerSync.TestKit.MultiNode;

namespace PeerSync.Benchmarks.Suites;

/// <summary>
/// Cluster latencies with the default settings, for 3, 5 and 9 in-process nodes on loopback TCP
/// (the multi-node harness; docs/design/cluster-host.md). Per size, N-1 nodes form a cluster, then:
/// `join-N`: from starting the N-th node until every node has seen it Up;
/// `detect-N`: from killing the leader (no leave) until every other node has seen it unreachable;
/// `failover-N`: from that kill until every other node names the same new leader.
/// These are latencies (lower is better), so the compared cases are the goals, not floors:
/// `goal:detect` 3 s, `goal:failover` 5 s (the ratio column then reads as a fraction of the goal).
/// `false-unreachable-pause-1.5s` counts unreachable events after freezing a 5-node follower for the
/// acceptable heartbeat pause (goal 0, so no false downing follows either).
/// Full runs repeat each size three times and report the median; --quick runs each once.
/// </summary>
public sealed class ClusterSuite : IBenchmarkSuite
{
    private const double DetectGoalSeconds = 3;
    private const double FailoverGoalSeconds = 5;

    public string Name => "cluster";

    public string Description => "cluster latencies with defaults, 3/5/9 nodes on loopback TCP: join seen Up by all, crash detection, leader failover";

    public async Task RunAsync(BenchmarkContext context)
    {
        context.Report("goal:detect", "seconds", DetectGoalSeconds, "s");
        context.Report("goal:failover", "seconds", FailoverGoalSeconds, "s");
        var rounds = context.Quick ? 1 : 3;
        foreach (var size in new[] { 3, 5, 9 })
        {
            var samples = new List<Sample>();
            for (var round = 0; round < rounds; round++)
            {
                var sample = await MeasureAsync(size, pauseProbe: size == 5 && round == 0, context);
                samples.Add(sample);
                context.Progress(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{size} nodes, round {round + 1}: join {sample.JoinSeconds:0.000} s, detect {sample.DetectSeconds:0.000} s (goal {DetectGoalSeconds} s), failover {sample.FailoverSeconds:0.000} s (goal {FailoverGoalSeconds} s)"));
            }

            context.Report($"join-{size}", "seconds", Median(samples.Select(s => s.JoinSeconds)), "s");
            context.Report($"detect-{size}", "seconds", Median(samples.Select(s => s.DetectSeconds)), "s", floor: "goal:detect");
            context.Report($"failover-{size}", "seconds", Median(samples.Select(s => s.FailoverSeconds)), "s", floor: "goal:failover");
        }
    }

    private static async Task<Sample> MeasureAsync(int size, bool pauseProbe, BenchmarkContext context)
    {
        await using var cluster = MultiNodeCluster.Create(size);
        foreach (var node in cluster.Nodes.Take(size - 1))
        {
            await cluster.StartNodeAsync(node);
        }

        var first = cluster.Nodes.Take(size - 1).ToList();
        await cluster.AwaitConvergenceAsync(first, TimeSpan.FromSeconds(60));

        var joiner = cluster.Nodes[^1];
        var joinStart = cluster.Elapsed;
        await cluster.StartNodeAsync(joiner);
        await cluster.AwaitMembersUpAsync(size, timeout: TimeSpan.FromSeconds(60));
        var joinedAt = LastSeen(cluster, e => e is ClusterEvent.MemberUp up && up.Member.Node == joiner.SelfNode, joinStart, size);
        await cluster.AwaitLeaderAgreedAsync(timeout: TimeSpan.FromSeconds(60));

        if (pauseProbe)
        {
            await FalseUnreachableAsync(cluster, context);
        }

        var leader = cluster.Nodes.Single(n => n.Cluster.IsLeader);
        var survivors = cluster.Nodes.Where(n => n != leader).ToList();
        var crashed = leader.SelfNode;
        var killedAt = cluster.Elapsed;
        await cluster.KillAsync(leader);
        await cluster.AwaitUnreachableAsync(leader, survivors, TimeSpan.FromSeconds(60));
        var newLeader = await cluster.AwaitLeaderAgreedAsync(survivors, TimeSpan.FromSeconds(60), otherThan: crashed);
        var detectedAt = LastSeen(cluster, e => e is ClusterEvent.UnreachableMember u && u.Member.Node == crashed, killedAt, survivors.Count);
        var agreedAt = LastSeen(cluster, e => e is ClusterEvent.LeaderChanged c && c.Leader == newLeader, killedAt, survivors.Count);
        return new Sample(
            (joinedAt - joinStart).TotalSeconds,
            (detectedAt - killedAt).TotalSeconds,
            (agreedAt - killedAt).TotalSeconds);
    }

    /// <summary>Freezes a follower for exactly the acceptable heartbeat pause and counts the unreachable events that follow.</summary>
    private static async Task FalseUnreachableAsync(MultiNodeCluster cluster, BenchmarkContext context)
    {
        var follower = cluster.Nodes.Last(n => !n.Cluster.IsLeader);
        var pause = TimeSpan.FromMilliseconds(follower.Options.ToClusterConfig().AcceptableHeartbeatPauseMs);
        var start = cluster.Elapsed;
        await cluster.PauseAsync(follower);
        await Task.Delay(pause);
        cluster.Resume(follower);

        // Long enough for a missed heartbeat to be detected (3 s goal) with room to spare.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var falseEvents = cluster.Timeline.Count(e => e.At >= start && e.Event is ClusterEvent.UnreachableMember);
        context.Report($"false-unreachable-pause-{pause.TotalSeconds:0.0#}s", "events", falseEvents, "events");
        context.Progress($"a {pause.TotalSeconds:0.0#} s pause of {follower.Id} in {cluster.Nodes.Count} nodes: {falseEvents} unreachable events (goal 0)");
    }

    /// <summary>When the last of <paramref name="observers"/> nodes published a matching event after <paramref name="since"/>.</summary>
    private static TimeSpan LastSeen(MultiNodeCluster cluster, Func<object, bool> match, TimeSpan since, int observers)
    {
        var firstPerNode = new Dictionary<NodeId, TimeSpan>();
        foreach (var e in cluster.Timeline.Where(e => e.At >= since && match(e.Event)))
        {
            firstPerNode.TryAdd(e.Node, e.At);
        }

        if (firstPerNode.Count < observers)
        {
            throw new InvalidOperationException($"only {firstPerNode.Count} of {observers} nodes published the event:\n{cluster.Describe()}");
        }

        return firstPerNode.Values.Max();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private readonly record struct Sample(double JoinSeconds, double DetectSeconds, double FailoverSeconds);
}

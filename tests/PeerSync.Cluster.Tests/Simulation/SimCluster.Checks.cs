using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Tests.Simulation;

/// <summary>Whole-cluster conditions used by tests and the liveness phase.</summary>
public sealed partial class SimCluster
{
    public IEnumerable<SimNode> RunningNodes => Nodes.Where(n => n.Running && !n.Paused);

    /// <summary>
    /// Every running node is a member, all agree on the same members, all Up and reachable, and
    /// (in leader mode) on one acting leader and its epoch.
    /// </summary>
    public bool IsConverged(int expectedMembers) => ConvergenceProblem(expectedMembers) is null;

    public string? ConvergenceProblem(int expectedMembers)
    {
        var running = RunningNodes.ToList();
        if (running.Count != expectedMembers)
        {
            return $"{running.Count} of {expectedMembers} nodes are running";
        }

        var first = running[0].Machine!;
        foreach (var node in running)
        {
            var machine = node.Machine!;
            if (machine.Phase != ClusterPhase.Member)
            {
                return $"{node.Id} is {machine.Phase}";
            }

            var state = machine.CurrentState;
            if (state.Members.Length != expectedMembers || state.Members.Any(m => m.Status != MemberStatus.Up))
            {
                return $"{node.Id} sees {string.Join(", ", state.Members.Select(m => $"{Format(m.Node)} {m.Status}"))}";
            }

            if (!state.Members.Select(m => m.Node).SequenceEqual(first.CurrentState.Members.Select(m => m.Node)))
            {
                return $"{node.Id} and {running[0].Id} see different members";
            }

            if (state.Unreachable.Count > 0)
            {
                return $"{node.Id} sees {string.Join(", ", state.Unreachable.Select(Format))} unreachable";
            }

            if (Config.ElectionMode == ElectionMode.Leader
                && (state.Leader is null || state.Leader != first.CurrentState.Leader || state.LeaderEpoch != first.CurrentState.LeaderEpoch))
            {
                return $"{node.Id} sees leader {Format(state.Leader)} epoch {state.LeaderEpoch}, {running[0].Id} sees {Format(first.CurrentState.Leader)} epoch {first.CurrentState.LeaderEpoch}";
            }
        }

        if (Config.ElectionMode == ElectionMode.Leader)
        {
            var acting = running.Where(n => n.Machine!.Election!.Acting).ToList();
            if (acting.Count != 1 || acting[0].Current != first.CurrentState.Leader)
            {
                return $"{acting.Count} acting leaders";
            }
        }

        return null;
    }

    /// <summary>The leader every running node agrees on, or null.</summary>
    public UniqueNode? AgreedLeader()
    {
        var leaders = RunningNodes.Select(n => (n.Machine!.CurrentState.Leader, n.Machine.CurrentState.LeaderEpoch)).Distinct().ToList();
        return leaders.Count == 1 ? leaders[0].Leader : null;
    }

    /// <summary>First time at or after <paramref name="fromMs"/> that <paramref name="node"/> recorded an event starting with <paramref name="prefix"/>.</summary>
    public long? FirstEvent(SimNode node, string prefix, long fromMs = 0) =>
        Records.FirstOrDefault(r => r.Node == node.Id && r.Kind == "event" && r.AtMs >= fromMs && r.Text.StartsWith(prefix, StringComparison.Ordinal))?.AtMs;

    public IEnumerable<SimRecord> EventsOf(SimNode node) => Records.Where(r => r.Node == node.Id && r.Kind == "event");

    /// <summary>The transcript as text (global virtual ms, node, kind, text), for golden files and failure messages.</summary>
    public string Transcript(Func<SimRecord, bool>? filter = null) =>
        string.Join("\n", Records.Where(filter ?? (_ => true)).Select(r => $"{r.AtMs,7} {(r.Node == default ? "--" : r.Node.Value),-3} {r.Kind,-9} {r.Text}")) + "\n";

    /// <summary>
    /// The liveness phase: heal everything, resume paused nodes, restart stopped or crashed ones as new
    /// incarnations, then require convergence within <paramref name="limitMs"/>.
    /// </summary>
    public void HealAndConverge(long limitMs = 60_000)
    {
        Heal();
        foreach (var node in Nodes)
        {
            if (node.Paused)
            {
                ResumeNode(node);
            }
        }

        // Like a process supervisor: any node whose cluster part stopped (or that crashed) is
        // restarted as a new incarnation, until the cluster has converged.
        var deadline = NowMs + limitMs;
        while (!IsConverged(Nodes.Count))
        {
            if (NowMs >= deadline)
            {
                throw new SimInvariantException($"seed {Seed}: no convergence {limitMs} ms after healing: {ConvergenceProblem(Nodes.Count)}\n{Transcript(r => r.AtMs > NowMs - 20_000)}");
            }

            foreach (var node in Nodes.Where(n => !n.Running && !n.Paused))
            {
                Start(node);
            }

            RunUntil(() => IsConverged(Nodes.Count), Math.Min(1_000, deadline - NowMs));
        }
    }
}

namespace PeerSync.Cluster.Tests.Simulation;

/// <summary>
/// Scripts random faults into a simulation from its seed: crashes and restarts as new incarnations,
/// short and long pauses, partitions and heals, broken links between two members, one-way link failures, deaf members (all inbound traffic lost), graceful leaves. Restarts wait for the network to
/// be whole, because a first seed that restarts behind a partition legitimately forms a second
/// cluster (docs/design/membership.md, "Join").
/// </summary>
public static class Chaos
{
    /// <summary>
    /// <paramref name="deafMembers"/> adds deaf members to the mix (a draw that is otherwise no
    /// fault), so the scripts of the seeds without it, and the failures they replay, stay as they were.
    /// </summary>
    public static void Script(SimCluster sim, long fromMs, long untilMs, bool deafMembers = false)
    {
        var random = new DeterministicRandom(sim.Seed ^ 0xC4A05UL);
        var partitioned = false;
        for (var at = fromMs + random.NextLong(0, 3_000); at < untilMs; at += random.NextLong(1_000, 6_000))
        {
            var choice = random.NextInt(10);
            var pick = random.NextInt(sim.Nodes.Count);
            var duration = random.NextLong(2_000, 15_000);
            var split = random.NextUInt64();
            switch (choice)
            {
                case 0 or 1:
                    sim.At(at, "crash", () => Crash(sim, sim.Nodes[pick]));
                    sim.At(at + duration, "restart", () => Restart(sim, sim.Nodes[pick]));
                    break;
                case 2 or 3:
                    var pauseMs = random.NextInt(2) == 0 ? random.NextLong(100, 1_500) : random.NextLong(1_500, 25_000);
                    sim.At(at, "pause", () => PauseIfRunning(sim, sim.Nodes[pick], pauseMs));
                    break;
                case 4 or 5 when !partitioned:
                    partitioned = true;
                    sim.At(at, "partition", () => Split(sim, split));
                    sim.At(at + duration, "heal", sim.Heal);
                    at += duration;
                    partitioned = false;
                    break;
                case 7 when !partitioned:
                    // A broken link between two members while both still reach everyone else.
                    var other = (pick + 1 + random.NextInt(sim.Nodes.Count - 1)) % sim.Nodes.Count;
                    partitioned = true;
                    sim.At(at, "cut link", () => CutLink(sim, sim.Nodes[pick], sim.Nodes[other]));
                    sim.At(at + duration, "heal", sim.Heal);
                    at += duration;
                    partitioned = false;
                    break;
                case 8 when !partitioned:
                    // An asymmetric fault: one direction of one link drops everything.
                    var target = (pick + 1 + random.NextInt(sim.Nodes.Count - 1)) % sim.Nodes.Count;
                    partitioned = true;
                    sim.At(at, "one-way block", () => BlockOneWay(sim, sim.Nodes[pick], sim.Nodes[target]));
                    sim.At(at + duration, "heal", sim.Heal);
                    at += duration;
                    partitioned = false;
                    break;
                case 9 when deafMembers && !partitioned:
                    // A deaf member: everything sent to it is lost, everything it sends arrives
                    // (docs/design/downing.md, "Deaf nodes").
                    partitioned = true;
                    sim.At(at, "deaf", () => Deafen(sim, sim.Nodes[pick]));
                    sim.At(at + duration, "heal", sim.Heal);
                    at += duration;
                    partitioned = false;
                    break;
                case 6:
                    sim.At(at, "leave", () => LeaveIfRunning(sim, sim.Nodes[pick]));
                    sim.At(at + duration, "restart", () => Restart(sim, sim.Nodes[pick]));
                    break;
                default:
                    break;
            }
        }
    }

    private static void Crash(SimCluster sim, SimNode node)
    {
        if (node.Alive && !StrandsProbingFirstSeed(sim, "crash", n => n == node || sim.IsCut(n, sim.Nodes[0])))
        {
            sim.Crash(node);
        }
    }

    private static void Restart(SimCluster sim, SimNode node)
    {
        if (!node.Running && !node.Paused && sim.IsWhole && !sim.Nodes.Any(n => n.Paused))
        {
            sim.Start(node);
        }
    }

    private static void PauseIfRunning(SimCluster sim, SimNode node, long pauseMs)
    {
        if (node.Running && !node.Paused && !StrandsProbingFirstSeed(sim, "pause", n => n == node || sim.IsCut(n, sim.Nodes[0])))
        {
            sim.Pause(node, pauseMs);
        }
    }

    private static void LeaveIfRunning(SimCluster sim, SimNode node)
    {
        if (node.Running && !node.Paused)
        {
            sim.Input(node, new ClusterInput.Leave(null));
        }
    }

    private static void Split(SimCluster sim, ulong bits)
    {
        var sideA = sim.Nodes.Where((_, i) => ((bits >> i) & 1) == 0).ToList();
        var sideB = sim.Nodes.Except(sideA).ToList();
        var firstSide = sideA.Contains(sim.Nodes[0]) ? sideA : sideB;
        if (sideA.Count > 0 && sideB.Count > 0 && !StrandsProbingFirstSeed(sim, "partition", n => !firstSide.Contains(n)))
        {
            sim.Partition(sideA, sideB);
        }
    }

    private static void CutLink(SimCluster sim, SimNode a, SimNode b)
    {
        var first = sim.Nodes[0];
        if (!StrandsProbingFirstSeed(sim, "cut link", n => (a == first && n == b) || (b == first && n == a)))
        {
            sim.Partition([a], [b]);
        }
    }

    private static void BlockOneWay(SimCluster sim, SimNode from, SimNode to)
    {
        var first = sim.Nodes[0];
        if (!StrandsProbingFirstSeed(sim, "one-way block", n => (from == first && n == to) || (to == first && n == from)))
        {
            sim.BlockOneWay(from, to);
        }
    }

    private static void Deafen(SimCluster sim, SimNode deaf)
    {
        var first = sim.Nodes[0];
        if (!StrandsProbingFirstSeed(sim, "deaf", n => deaf == first || n == deaf))
        {
            foreach (var other in sim.Nodes.Where(n => n != deaf))
            {
                sim.BlockOneWay(other, deaf);
            }
        }
    }

    /// <summary>
    /// Whether a fault would leave the first seed, while it still probes for a cluster, with no other
    /// seed that can answer it (<paramref name="unavailableAfter"/> names the seeds the fault takes
    /// away). That is the join's documented limitation (docs/design/membership.md, "Join", known
    /// limitation: "a first seed that restarts while no other seed can answer (all down, paused or
    /// partitioned away) forms a second cluster"). Restarts already wait for a whole network, but a
    /// fault right after one recreates it while the first seed probes (seed 6745: a partition 10 ms
    /// after n1 restarted; n1 formed a second cluster 3 s later). Such a fault is skipped and noted.
    /// </summary>
    private static bool StrandsProbingFirstSeed(SimCluster sim, string fault, Func<SimNode, bool> unavailableAfter)
    {
        var first = sim.Nodes[0];
        if (!first.Alive || first.Machine!.Phase is not (ClusterPhase.Probing or ClusterPhase.Joining))
        {
            return false;
        }

        var answerable = sim.Nodes.Skip(1).Any(n => n.Running && !n.Paused && !unavailableAfter(n));
        if (!answerable)
        {
            sim.Note($"{fault} skipped: it would leave the probing first seed {first.Id} with no seed to answer it");
        }

        return !answerable;
    }
}

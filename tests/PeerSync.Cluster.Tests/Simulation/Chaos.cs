namespace PeerSync.Cluster.Tests.Simulation;

/// <summary>
/// Scripts random faults into a simulation from its seed: crashes and restarts as new incarnations,
/// short and long pauses, partitions and heals, broken links between two members, one-way link failures, graceful leaves. Restarts wait for the network to
/// be whole, because a first seed that restarts behind a partition legitimately forms a second
/// cluster (docs/design/membership.md, "Join").
/// </summary>
public static class Chaos
{
    public static void Script(SimCluster sim, long fromMs, long untilMs)
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
                    sim.At(at, "cut link", () => sim.Partition([sim.Nodes[pick]], [sim.Nodes[other]]));
                    sim.At(at + duration, "heal", sim.Heal);
                    at += duration;
                    partitioned = false;
                    break;
                case 8 when !partitioned:
                    // An asymmetric fault: one direction of one link drops everything.
                    var target = (pick + 1 + random.NextInt(sim.Nodes.Count - 1)) % sim.Nodes.Count;
                    partitioned = true;
                    sim.At(at, "one-way block", () => sim.BlockOneWay(sim.Nodes[pick], sim.Nodes[target]));
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
        if (node.Alive)
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
        if (node.Running && !node.Paused)
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
        if (sideA.Count > 0 && sideB.Count > 0)
        {
            sim.Partition(sideA, sideB);
        }
    }
}

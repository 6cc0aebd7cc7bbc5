using PeerSync.Cluster;
using PeerSync.Sync.Records;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>
/// Seeded clients and faults. Writers put and delete records on a shared collection (any node
/// writes, last writer wins) and an owned one (mostly each node's own keys, sometimes a contested
/// key that only its current owner may change). The chaos script crashes and restarts processes
/// (some with their clock set back), partitions the cluster (3|2 style majority splits and random
/// splits), cuts single links, and always heals before the next partition.
/// </summary>
internal static class SimWorkload
{
    public static readonly CollectionName Tags = CollectionName.Parse("tags");

    public static readonly CollectionName Places = CollectionName.Parse("places");

    /// <summary>One random write or delete on a random running node.</summary>
    public static void RandomWrite(SimWorld world, int keys = 30)
    {
        var random = world.Random;
        var nodes = world.Processes.Values.Where(p => p.Alive).ToList();
        if (nodes.Count == 0)
        {
            return;
        }

        var node = nodes[random.NextInt(nodes.Count)];
        var shared = random.NextDouble() < 0.7;
        var index = SimWorld.Value(random.NextInt(keys));
        var key = shared ? "k" + index : (random.NextDouble() < 0.8 ? node.Id.Value + "-" : "any-") + index;
        var value = random.NextDouble() < 0.15 ? null : SimWorld.Value(random.NextLong(0, 1_000_000));
        world.Write(node.Id.Value, shared ? Tags : Places, key, value);
    }

    /// <summary>Writers active from <paramref name="fromMs"/> to <paramref name="untilMs"/> (global ms), one write every 10–80 ms.</summary>
    public static void Writers(SimWorld world, long fromMs, long untilMs, int keys = 30)
    {
        void Next()
        {
            if (world.NowMs >= untilMs)
            {
                return;
            }

            RandomWrite(world, keys);
            world.Schedule(world.NowMs + world.Random.NextLong(10, 80), new SimEvent.Scripted("w", Next));
        }

        world.Schedule(fromMs, new SimEvent.Scripted("writers", Next));
    }

    /// <summary>Skews the clocks of some nodes by up to ±<see cref="SimSettings.MaxClockSkewMs"/>.</summary>
    public static void SkewClocks(SimWorld world)
    {
        var max = world.Settings.MaxClockSkewMs;
        foreach (var process in world.Processes.Values)
        {
            if (max > 0 && world.Random.NextInt(2) == 0)
            {
                process.SkewMs = world.Random.NextLong(-max, max);
            }
        }
    }

    public static void Chaos(SimWorld world, long fromMs, long untilMs)
    {
        var random = new DeterministicRandom(world.Seed ^ 0xC4A05UL);
        var names = world.Processes.Keys.Select(n => n.Value).ToList();
        for (var at = fromMs + random.NextLong(0, 3_000); at < untilMs; at += random.NextLong(2_000, 8_000))
        {
            var pick = names[random.NextInt(names.Count)];
            var other = names[(names.IndexOf(pick) + 1 + random.NextInt(names.Count - 1)) % names.Count];
            var duration = random.NextLong(1_000, 12_000);
            var bits = random.NextUInt64();
            switch (random.NextInt(10))
            {
                case 0 or 1:
                    world.At(at, $"crash {pick}", () => world.Crash(pick));
                    world.At(at + duration, $"restart {pick}", () => world.RestartWhenWhole(world[pick]));
                    break;
                case 2:
                    // A restart with the clock set back: the HLC must not go backwards.
                    var skew = world.Settings.MaxClockSkewMs > 0 ? -random.NextLong(0, world.Settings.MaxClockSkewMs) : 0;
                    world.At(at, $"restart {pick} with clock {skew} ms", () =>
                    {
                        world.Crash(pick);
                        world[pick].SkewMs = skew;
                        world.RestartWhenWhole(world[pick]);
                    });
                    break;
                case 3 or 4:
                    world.At(at, "split", () => Split(world, names, bits));
                    world.At(at + duration, "heal", world.Heal);
                    at += duration;
                    break;
                case 5:
                    var minority = names.Where((_, i) => ((bits >> i) & 1) == 0).Take(names.Count / 2).ToList();
                    world.At(at, "minority split", () => world.Partition(minority, names.Except(minority)));
                    world.At(at + duration, "heal", world.Heal);
                    at += duration;
                    break;
                case 6:
                    world.At(at, $"cut {pick}-{other}", () => world.Partition([pick], [other]));
                    world.At(at + duration, "heal", world.Heal);
                    at += duration;
                    break;
                default:
                    break;
            }
        }
    }

    private static void Split(SimWorld world, IReadOnlyList<string> names, ulong bits)
    {
        var sideA = names.Where((_, i) => ((bits >> i) & 1) == 0).ToList();
        var sideB = names.Except(sideA).ToList();
        if (sideA.Count > 0 && sideB.Count > 0)
        {
            world.Partition(sideA, sideB);
        }
    }
}
